package model

// PodHostNS are the host's namespaces a pod's members run in instead of
// their own or the pod's: `pod create --pid host` and `--ipc host`, kube
// play's hostPID and hostIPC. Such a namespace is not among the pod's
// shared ones: there is nothing of the pod's own to pin.
type PodHostNS struct {
	PIDMode string `json:"pidMode,omitempty"` // "host", or "" for the members' own (or the pod's with --share pid)
	IPCMode string `json:"ipcMode,omitempty"` // "host", or "" for the pod's (--share ipc) or the members' own
}

// HostNS is the mode "host" of --pid and --ipc.
const HostNS = "host"
