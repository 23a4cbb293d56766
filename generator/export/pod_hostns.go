package export

import "github.com/podunit/podunit/engine/model"

// hostNSFlags are pod create's --pid and --ipc of a pod whose members run
// in the host's namespaces.
func hostNSFlags(h model.PodHostNS) []string {
	var args []string
	if h.PIDMode != "" {
		args = append(args, "--pid", h.PIDMode)
	}
	if h.IPCMode != "" {
		args = append(args, "--ipc", h.IPCMode)
	}
	return args
}
