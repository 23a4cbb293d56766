package kube

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/podunit/podunit/engine/model"
)

// Source is one pod to write: a podunit pod and its members, or (Pod nil)
// a container of no pod, written as a pod named NAME-pod as Podman does.
type Source struct {
	Pod     *model.Pod
	Members []*model.Container
}

// Generate writes the sources as Kubernetes YAML, one Pod per document,
// that kube play turns back into the same pods. Warnings name settings
// Kubernetes cannot say, left out.
func Generate(srcs []Source) ([]byte, []string, error) {
	var out bytes.Buffer
	var warnings []string
	for i, s := range srcs {
		g := &gen{}
		pod := g.pod(s)
		data, err := yaml.Marshal(pod)
		if err != nil {
			return nil, nil, fmt.Errorf("pod %s: %w", pod.Name, err)
		}
		if i > 0 {
			out.WriteString("---\n")
		}
		out.Write(data)
		warnings = append(warnings, g.warnings...)
	}
	return out.Bytes(), warnings, nil
}

type gen struct {
	spec     corev1.PodSpec
	vols     map[string]string // mount source → pod volume name
	warnings []string
}

func (g *gen) warn(c *model.Container, format string, args ...any) {
	g.warnings = append(g.warnings, "container "+c.Name+": "+fmt.Sprintf(format, args...))
}

func (g *gen) pod(s Source) *corev1.Pod {
	g.vols = map[string]string{}
	name, prefix, ports := "", "", []model.PortMapping(nil)
	meta := metav1.ObjectMeta{}
	if s.Pod != nil {
		name, ports = s.Pod.Name, s.Pod.Config.Ports
		meta.Labels = s.Pod.Config.Labels
		g.spec.Hostname = s.Pod.Config.Hostname
		if g.spec.Hostname == name {
			g.spec.Hostname = "" // play's default
		}
		if s.Pod.Config.Network == "host" {
			g.spec.HostNetwork = true
		}
		g.spec.HostPID = s.Pod.Config.PIDMode == model.HostNS
		g.spec.HostIPC = s.Pod.Config.IPCMode == model.HostNS
	} else {
		name, ports = s.Members[0].Name+"-pod", s.Members[0].Config.Ports
	}
	prefix = name + "-"
	meta.Name = name
	first := true
	for _, c := range s.Members {
		ct := g.container(c, strings.TrimPrefix(c.Name, prefix))
		if g.initContainer(c, ct, &meta) { // generate_pod.go
			continue
		}
		if first {
			ct.Ports = kubePorts(ports)
			g.podWide(c)
			first = false
		}
		g.spec.Containers = append(g.spec.Containers, ct)
	}
	g.podResources(s.Pod)
	return &corev1.Pod{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"}, ObjectMeta: meta, Spec: g.spec}
}

// podWide sets what Kubernetes has per pod from the first member.
func (g *gen) podWide(c *model.Container) {
	switch model.SystemdRestart(c.Config.Restart) {
	case "always":
		g.spec.RestartPolicy = corev1.RestartPolicyAlways
	case "on-failure":
		g.spec.RestartPolicy = corev1.RestartPolicyOnFailure
	default:
		g.spec.RestartPolicy = corev1.RestartPolicyNever
	}
	if c.Config.StopTimeout != 10 {
		s := int64(c.Config.StopTimeout)
		g.spec.TerminationGracePeriodSeconds = &s
	}
}

func kubePorts(ports []model.PortMapping) []corev1.ContainerPort {
	var out []corev1.ContainerPort
	for _, p := range ports {
		cp := corev1.ContainerPort{ContainerPort: int32(p.ContainerPort), HostPort: int32(p.HostPort), HostIP: p.HostIP}
		if p.Protocol != "" && p.Protocol != "tcp" {
			cp.Protocol = corev1.Protocol(strings.ToUpper(p.Protocol))
		}
		out = append(out, cp)
	}
	return out
}

func (g *gen) container(c *model.Container, name string) corev1.Container {
	cfg := &c.Config
	ct := corev1.Container{Name: name, Image: c.Image, Command: cfg.Entrypoint, Args: cfg.Cmd, WorkingDir: cfg.WorkingDir}
	for _, kv := range cfg.Env {
		k, v, _ := strings.Cut(kv, "=")
		ct.Env = append(ct.Env, corev1.EnvVar{Name: k, Value: v})
	}
	ct.Resources = kubeResources(&cfg.Resources)
	ct.SecurityContext = g.security(c)
	ct.VolumeMounts = g.mounts(c)
	return ct
}

func kubeResources(r *model.Resources) corev1.ResourceRequirements {
	var out corev1.ResourceRequirements
	put := func(l *corev1.ResourceList, name corev1.ResourceName, q *resource.Quantity) {
		if *l == nil {
			*l = corev1.ResourceList{}
		}
		(*l)[name] = *q
	}
	if r.Memory > 0 {
		put(&out.Limits, corev1.ResourceMemory, resource.NewQuantity(r.Memory, resource.BinarySI))
	}
	if r.NanoCPUs > 0 {
		put(&out.Limits, corev1.ResourceCPU, resource.NewMilliQuantity(r.NanoCPUs/1e6, resource.DecimalSI))
	}
	if r.MemoryReservation > 0 {
		put(&out.Requests, corev1.ResourceMemory, resource.NewQuantity(r.MemoryReservation, resource.BinarySI))
	}
	if r.CPUShares > 0 {
		put(&out.Requests, corev1.ResourceCPU, resource.NewMilliQuantity(int64(r.CPUShares)*1000/1024, resource.DecimalSI))
	}
	return out
}

func (g *gen) security(c *model.Container) *corev1.SecurityContext {
	cfg := &c.Config
	sc := &corev1.SecurityContext{}
	set := false
	if cfg.User != "" {
		u, grp, _ := strings.Cut(cfg.User, ":")
		if uid, err := strconv.ParseInt(u, 10, 64); err == nil {
			sc.RunAsUser, set = &uid, true
		} else {
			g.warn(c, "user %q is not numeric: Kubernetes' runAsUser cannot say it", cfg.User)
		}
		if gid, err := strconv.ParseInt(grp, 10, 64); err == nil && sc.RunAsUser != nil {
			sc.RunAsGroup = &gid
		}
	}
	if len(cfg.CapAdd)+len(cfg.CapDrop) > 0 {
		sc.Capabilities, set = &corev1.Capabilities{}, true
		for _, cp := range cfg.CapAdd {
			sc.Capabilities.Add = append(sc.Capabilities.Add, corev1.Capability(cp))
		}
		for _, cp := range cfg.CapDrop {
			sc.Capabilities.Drop = append(sc.Capabilities.Drop, corev1.Capability(cp))
		}
	}
	if cfg.ReadOnly {
		t := true
		sc.ReadOnlyRootFilesystem, set = &t, true
	}
	if cfg.Privileged {
		t := true
		sc.Privileged, set = &t, true
	}
	if !set {
		return nil
	}
	return sc
}

// mounts turns binds into hostPath volumes and named volumes into claims.
func (g *gen) mounts(c *model.Container) []corev1.VolumeMount {
	var out []corev1.VolumeMount
	for _, m := range c.Config.Mounts {
		if m.Anonymous || (m.Type != "" && m.Type != model.MountBind && m.Type != model.MountVolume) {
			g.warn(c, "mount on %s (%s) has no Kubernetes volume podunit writes", m.Destination, m.Type)
			continue
		}
		key := m.Type + ":" + m.Source
		name, ok := g.vols[key]
		if !ok {
			name = fmt.Sprintf("vol-%d", len(g.vols))
			g.vols[key] = name
			g.spec.Volumes = append(g.spec.Volumes, kubeVolume(name, m))
		}
		out = append(out, corev1.VolumeMount{Name: name, MountPath: m.Destination, ReadOnly: m.ReadOnly})
	}
	return out
}

func kubeVolume(name string, m model.Mount) corev1.Volume {
	v := corev1.Volume{Name: name}
	if m.Type == model.MountVolume {
		v.PersistentVolumeClaim = &corev1.PersistentVolumeClaimVolumeSource{ClaimName: m.Source}
		return v
	}
	v.HostPath = &corev1.HostPathVolumeSource{Path: m.Source}
	return v
}
