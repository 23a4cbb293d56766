package kube

import (
	"regexp"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// metaKey is a fieldPath of one label or annotation: metadata.labels['k'].
var metaKey = regexp.MustCompile(`^metadata\.(labels|annotations)\['([^']*)'\]$`)

// fieldRef is the value of a downward API field, as the kubelet gives it:
// what the pod's YAML says, or its name on this host. What only exists once
// the pod runs (status.podIP, metadata.uid) is refused.
func (c *ctrCtx) fieldRef(r *corev1.ObjectFieldSelector, ep string) (string, error) {
	at := ep + ".valueFrom.fieldRef"
	if r.APIVersion != "" && r.APIVersion != "v1" {
		return "", bad(at+".apiVersion", "%q: want v1", r.APIVersion)
	}
	switch r.FieldPath {
	case "metadata.name":
		return c.pod, nil
	case "metadata.namespace":
		if c.namespace == "" {
			return "default", nil
		}
		return c.namespace, nil
	case "spec.serviceAccountName":
		return c.spec.ServiceAccountName, nil
	case "spec.nodeName":
		return c.docs.NodeName, nil
	}
	if m := metaKey.FindStringSubmatch(r.FieldPath); m != nil {
		if m[1] == "labels" {
			return c.labels[m[2]], nil
		}
		return c.annotations[m[2]], nil
	}
	return "", bad(at+".fieldPath", "%q: podunit knows metadata.name, metadata.namespace, metadata.labels['KEY'], "+
		"metadata.annotations['KEY'], spec.nodeName and spec.serviceAccountName (status fields exist only once the pod runs)", r.FieldPath)
}

// resourceRef is a container's limit or request (requests default to
// limits, as the API server sets them), divided by the divisor and rounded
// up, as the kubelet gives it. A limit the YAML does not set is refused:
// podunit does not put the host's capacity in its place.
func (c *ctrCtx) resourceRef(r *corev1.ResourceFieldSelector, self corev1.Container, ep string) (string, error) {
	at := ep + ".valueFrom.resourceFieldRef"
	ct, ok := c.container(r.ContainerName, self)
	if !ok {
		return "", bad(at+".containerName", "no container %q in the pod", r.ContainerName)
	}
	var q resource.Quantity
	var set bool
	switch r.Resource {
	case "limits.cpu", "limits.memory":
		q, set = ct.Resources.Limits[corev1.ResourceName(r.Resource[len("limits."):])]
	case "requests.cpu", "requests.memory":
		name := corev1.ResourceName(r.Resource[len("requests."):])
		if q, set = ct.Resources.Requests[name]; !set {
			q, set = ct.Resources.Limits[name]
		}
	default:
		return "", bad(at+".resource", "%q: want limits.cpu, limits.memory, requests.cpu or requests.memory", r.Resource)
	}
	if !set {
		return "", bad(at+".resource", "container %q sets no %s (podunit does not use the host's capacity)", ct.Name, r.Resource)
	}
	div := r.Divisor
	if div.IsZero() {
		div = resource.MustParse("1")
	}
	if div.Sign() < 0 {
		return "", bad(at+".divisor", "%s is negative", div.String())
	}
	if r.Resource == "limits.cpu" || r.Resource == "requests.cpu" {
		return strconv.FormatInt(ceilDiv(q.MilliValue(), div.MilliValue()), 10), nil
	}
	return strconv.FormatInt(ceilDiv(q.Value(), div.Value()), 10), nil
}

func ceilDiv(a, b int64) int64 {
	if b <= 0 {
		b = 1
	}
	return (a + b - 1) / b
}

// container is the pod's container of that name, self when name is "".
func (c *ctrCtx) container(name string, self corev1.Container) (corev1.Container, bool) {
	if name == "" || name == self.Name {
		return self, true
	}
	for _, ct := range append(append([]corev1.Container{}, c.spec.InitContainers...), c.spec.Containers...) {
		if ct.Name == name {
			return ct, true
		}
	}
	return corev1.Container{}, false
}
