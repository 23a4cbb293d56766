package kube

import (
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// InitTypeAnnotation is Podman's pod annotation that picks how init
// containers run: always (on every start of the pod, as the kubelet, the
// default here) or once (then removed).
const InitTypeAnnotation = "io.podman.annotations.init.container.type"

// initType makes an init container one with --init-ctr.
func (c *ctrCtx) initType(init bool) func(*argv, corev1.Container, string) error {
	return func(a *argv, _ corev1.Container, _ string) error {
		if !init {
			return nil
		}
		t := c.annotations[InitTypeAnnotation]
		switch t {
		case "":
			t = "always"
		case "always", "once":
		default:
			return bad(c.metaPath()+".annotations."+InitTypeAnnotation, "%q: want always or once", t)
		}
		a.add("--init-ctr", t)
		return nil
	}
}

// AutoUpdateKey is the annotation (and label) of podunit auto-update's
// policy: on the pod for every container, KEY/CONTAINER for one (Podman's).
const AutoUpdateKey = "io.containers.autoupdate"

// annotate gives each container the pod's annotations (as Podman), in key
// order, but the init type's, and the auto-update policy they set as the label auto-update reads.
func (c *ctrCtx) annotate(a *argv, ct corev1.Container, _ string) error {
	policy, ok := c.annotations[AutoUpdateKey+"/"+ct.Name]
	if !ok {
		policy, ok = c.annotations[AutoUpdateKey]
	}
	if ok {
		a.add("--label", AutoUpdateKey+"="+policy)
	}
	keys := make([]string, 0, len(c.annotations))
	for k := range c.annotations {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k == InitTypeAnnotation {
			continue // play's own: it made the init containers' --init-ctr
		}
		if strings.TrimSpace(k) == "" {
			return bad(c.metaPath()+".annotations", "an empty key")
		}
		a.add("--annotation", k+"="+c.annotations[k])
	}
	return nil
}

// metaPath is the path of the pod's metadata: "metadata" for a Pod,
// "spec.template.metadata" for a template.
func (c *ctrCtx) metaPath() string { return strings.TrimSuffix(c.at, "spec") + "metadata" }

// merged is over laid on base, in a new map (nil when both are empty).
func merged(base, over map[string]string) map[string]string {
	if len(base)+len(over) == 0 {
		return nil
	}
	out := make(map[string]string, len(base)+len(over))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		out[k] = v
	}
	return out
}
