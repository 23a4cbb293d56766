package kube

import (
	"fmt"
	"sort"
	"strconv"

	corev1 "k8s.io/api/core/v1"
)

// Plan is what playing the YAML makes, in the order to make it.
type Plan struct {
	Volumes   []Volume
	HostPaths []HostPath
	Pods      []Pod
	Warnings  []string // fields with no meaning on one host, ignored
}

// Pod is one pod to create: its `pod create` settings and its containers
// as `podunit create` argv.
type Pod struct {
	Name     string
	Labels   map[string]string
	Hostname string
	Publish  []string // -p values from hostPorts
	Network  string   // "host" for hostNetwork, else "" (the CLI's --network)
	HostPID  bool     // hostPID: the members run in the host's PID namespace (pod create --pid host)
	HostIPC  bool     // hostIPC: and IPC namespace (pod create --ipc host)
	Memory   int64    // bytes: the pod slice's limit, the sum of the members' when each has one
	CPUs     float64  // the same for CPUs
	Inits    []Member // initContainers, run to completion in order before Members start
	Members  []Member
}

// Member is one container: Args are `podunit create` flags, the image and
// the command, ready for the CLI's own flag set.
type Member struct {
	Name  string
	Image string
	Args  []string
}

// Volume kinds.
const (
	VolumeClaim     = "persistentVolumeClaim" // a named volume that outlives the pod
	VolumeEmptyDir  = "emptyDir"              // a named volume of the pod's own
	VolumeConfigMap = "configMap"             // a named volume holding the ConfigMap's files
	VolumeSecret    = "secret"                // a named volume holding the Secret's files
)

// Volume is a named volume the pods mount.
type Volume struct {
	Name  string
	Kind  string
	Pod   string            // the pod an emptyDir belongs to
	Files map[string][]byte // configMap and secret: file name → content
	Mode  uint32            // configMap and secret: the files' mode
}

// HostPath is a hostPath volume's path and what must be there.
type HostPath struct {
	Path string
	Type corev1.HostPathType
}

// PodNames are the names of the pods src makes: NAME for a Pod, NAME-pod
// for a Deployment of one replica, a DaemonSet or a Job (as Podman),
// NAME-pod-0… for more replicas.
func PodNames(src *PodSource) []string {
	if src.Kind == "Pod" {
		return []string{src.Name}
	}
	if src.Replicas == 1 {
		return []string{src.Name + "-pod"}
	}
	names := make([]string, src.Replicas)
	for i := range names {
		names[i] = src.Name + "-pod-" + strconv.Itoa(i)
	}
	return names
}

// MakePlan translates every pod of d. It checks everything, so that a
// caller that creates nothing until it has a plan creates nothing for bad
// YAML.
func MakePlan(d *Docs) (*Plan, error) {
	p := &Plan{}
	seen := map[string]bool{}
	vols := map[string]bool{}
	for _, src := range d.Pods {
		for _, name := range PodNames(src) {
			if seen[name] {
				return nil, src.errAt(fmt.Errorf("a second pod named %q", name))
			}
			seen[name] = true
			pod, err := d.podPlan(p, src, name, vols)
			if err != nil {
				return nil, src.errAt(err)
			}
			p.Pods = append(p.Pods, pod)
		}
	}
	sort.Slice(p.Volumes, func(i, j int) bool { return p.Volumes[i].Name < p.Volumes[j].Name })
	return p, nil
}

func (d *Docs) podPlan(p *Plan, src *PodSource, name string, vols map[string]bool) (Pod, error) {
	spec, at := &src.Spec, src.SpecPath
	if err := checkFieldsBut(spec, at, podSpecFields, podSpecIgnored); err != nil {
		return Pod{}, err
	}
	p.Warnings = append(p.Warnings, ignoredFields(spec, at, podSpecIgnored, src)...)
	if len(spec.Containers) == 0 {
		return Pod{}, bad(at+".containers", "a pod needs at least one container")
	}
	if src.Replicas > 1 && hasHostPort(spec) {
		return Pod{}, bad(at+".replicas", "%d replicas cannot share a hostPort", src.Replicas)
	}
	pod := Pod{Name: name, Labels: src.Meta.Labels, Hostname: spec.Hostname, HostPID: spec.HostPID, HostIPC: spec.HostIPC}
	if spec.HostNetwork {
		pod.Network = "host"
	}
	mounts, err := d.podVolumes(p, spec, at, name, vols)
	if err != nil {
		return Pod{}, err
	}
	c := &ctrCtx{docs: d, pod: name, spec: spec, at: at, mounts: mounts, annotations: merged(src.Meta.Annotations, d.Play.Annotations),
		labels: src.Meta.Labels, namespace: src.Meta.Namespace, warn: func(path, msg string) {
			p.Warnings = append(p.Warnings, src.File+": "+src.what()+": "+path+": "+msg)
		}}
	for i, ic := range spec.InitContainers {
		m, err := c.member(ic, fmt.Sprintf("%s.initContainers[%d]", at, i), true)
		if err != nil {
			return Pod{}, err
		}
		pod.Inits = append(pod.Inits, m)
	}
	for i, ct := range spec.Containers {
		path := fmt.Sprintf("%s.containers[%d]", at, i)
		m, err := c.member(ct, path, false)
		if err != nil {
			return Pod{}, err
		}
		pod.Members = append(pod.Members, m)
		pod.Publish = append(pod.Publish, hostPorts(ct)...)
	}
	pod.Memory, pod.CPUs = podLimits(spec.Containers)
	if m, c, ok, err := podResourceLimits(spec, at); err != nil {
		return Pod{}, err
	} else if ok { // pod-level resources win
		pod.Memory, pod.CPUs = m, c
	}
	return pod, checkUniqueNames(pod, at)
}

// podLimits are the pod's own limits, as the kubelet sets its pod cgroup:
// the sum of its containers' limits where every container has one.
func podLimits(cs []corev1.Container) (memory int64, cpus float64) {
	var milli int64
	for _, c := range cs {
		m, okM := c.Resources.Limits[corev1.ResourceMemory]
		if memory >= 0 && okM {
			memory += m.Value()
		} else {
			memory = -1
		}
		cpu, okC := c.Resources.Limits[corev1.ResourceCPU]
		if milli >= 0 && okC {
			milli += cpu.MilliValue()
		} else {
			milli = -1
		}
	}
	return max(memory, 0), float64(max(milli, 0)) / 1000
}

func hasHostPort(spec *corev1.PodSpec) bool {
	for _, c := range spec.Containers {
		if len(hostPorts(c)) > 0 {
			return true
		}
	}
	return false
}

func checkUniqueNames(pod Pod, at string) error {
	seen := map[string]bool{}
	for _, m := range append(append([]Member{}, pod.Inits...), pod.Members...) {
		if seen[m.Name] {
			return bad(at, "two containers named %q", m.Name)
		}
		seen[m.Name] = true
	}
	return nil
}

// hostPorts are the -p values of a container's ports with a hostPort.
func hostPorts(c corev1.Container) []string {
	var out []string
	for _, port := range c.Ports {
		if port.HostPort == 0 {
			continue
		}
		v := fmt.Sprintf("%d:%d", port.HostPort, port.ContainerPort)
		if port.HostIP != "" {
			v = port.HostIP + ":" + v
		}
		if port.Protocol != "" && port.Protocol != corev1.ProtocolTCP {
			v += "/" + lower(string(port.Protocol))
		}
		out = append(out, v)
	}
	return out
}

// Owned are the pods the YAML's pod sources make and their emptyDir
// volumes, without resolving anything else (what `kube down` removes).
func Owned(d *Docs) ([]Pod, []Volume) {
	var pods []Pod
	var vols []Volume
	for _, src := range d.Pods {
		for _, name := range PodNames(src) {
			pods = append(pods, Pod{Name: name})
			for _, v := range src.Spec.Volumes {
				if v.EmptyDir != nil {
					vols = append(vols, Volume{Name: name + "-" + v.Name, Kind: VolumeEmptyDir, Pod: name})
				}
			}
		}
	}
	return pods, vols
}
