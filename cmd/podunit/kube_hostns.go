//go:build !hotpath

package main

import (
	"github.com/podunit/podunit/engine/kube"
	"github.com/podunit/podunit/engine/model"
)

// kubeHostNS maps hostPID and hostIPC onto pod create's --pid host and
// --ipc host, as Podman's kube play runs every container in the host's
// PID and IPC namespaces.
func kubeHostNS(p kube.Pod) model.PodHostNS {
	var h model.PodHostNS
	if p.HostPID {
		h.PIDMode = model.HostNS
	}
	if p.HostIPC {
		h.IPCMode = model.HostNS
	}
	return h
}
