package main

import (
	"github.com/spf13/pflag"

	"github.com/podunit/podunit/engine/model"
)

// podHostNSFlags are pod create's --pid (Podman's) and --ipc (podunit's:
// what Podman's kube play sets for hostIPC): the members run in the host's
// namespace.
type podHostNSFlags struct{ pid, ipc string }

func (f *podHostNSFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.pid, "pid", "", "PID namespace of the members: host (the host's) or private (each its own, or the pod's with --share pid)")
	fs.StringVar(&f.ipc, "ipc", "", "IPC namespace of the members: host (the host's) or private (the pod's with --share ipc, else each its own)")
}

func (f *podHostNSFlags) config() model.PodHostNS {
	return model.PodHostNS{PIDMode: f.pid, IPCMode: f.ipc}
}

// podInfraNS is the namespace part of pod inspect's InfraConfig: Podman's
// pid_ns, and ipc_ns in its style.
type podInfraNS struct {
	PidNS string `json:"pid_ns,omitempty"`
	IpcNS string `json:"ipc_ns,omitempty"`
}

func newPodInfraNS(h model.PodHostNS) podInfraNS {
	return podInfraNS{PidNS: h.PIDMode, IpcNS: h.IPCMode}
}
