package kube

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podunit/podunit/engine/model"
)

// initContainer puts an init container (--init-ctr) among the pod's
// initContainers, with Podman's annotation for a "once" one; it reports
// whether c was one.
func (g *gen) initContainer(c *model.Container, ct corev1.Container, meta *metav1.ObjectMeta) bool {
	switch c.Config.InitCtr {
	case "":
		return false
	case model.InitCtrOnce:
		if meta.Annotations == nil {
			meta.Annotations = map[string]string{}
		}
		meta.Annotations[InitTypeAnnotation] = model.InitCtrOnce
	}
	g.spec.InitContainers = append(g.spec.InitContainers, ct)
	return true
}

// podResources writes the pod's own limits (pod create --memory, --cpus)
// as the pod-level resources (spec.resources), which play makes the pod
// slice's limits again.
func (g *gen) podResources(p *model.Pod) {
	if p == nil || p.Config.Memory <= 0 && p.Config.CPUs <= 0 {
		return
	}
	r := &corev1.ResourceRequirements{Limits: corev1.ResourceList{}}
	if p.Config.Memory > 0 {
		r.Limits[corev1.ResourceMemory] = *resource.NewQuantity(p.Config.Memory, resource.BinarySI)
	}
	if p.Config.CPUs > 0 {
		r.Limits[corev1.ResourceCPU] = *resource.NewMilliQuantity(int64(p.Config.CPUs*1000+0.5), resource.DecimalSI)
	}
	g.spec.Resources = r
}

// podResourceLimits are spec.resources' limits (Kubernetes' pod-level
// resources) as the pod slice's: ok is false when the spec has none.
func podResourceLimits(spec *corev1.PodSpec, at string) (memory int64, cpus float64, ok bool, err error) {
	r := spec.Resources
	if r == nil {
		return 0, 0, false, nil
	}
	if err := checkFields(r, at+".resources", set("limits")); err != nil {
		return 0, 0, false, err
	}
	for _, name := range sortedNames(r.Limits) {
		q := r.Limits[name]
		switch name {
		case corev1.ResourceMemory:
			memory = q.Value()
		case corev1.ResourceCPU:
			cpus = float64(q.MilliValue()) / 1000
		default:
			return 0, 0, false, bad(at+".resources.limits."+string(name), "not supported by podunit")
		}
	}
	return memory, cpus, true, nil
}
