package model

// Init container types (--init-ctr, Podman's): an init container of a pod
// runs to completion, in creation order, before the pod's other members
// start; "always" on every start of the pod, "once" on the first, after
// which it is removed.
const (
	InitCtrAlways = "always"
	InitCtrOnce   = "once"
)

// PodRole is what a pod member is besides an ordinary member.
type PodRole struct {
	InitCtr string `json:"initCtr,omitempty"` // --init-ctr: "", always or once
}

// InPodStatus reports whether c's status counts in its pod's: an init
// container's exit does not make a running pod Degraded.
func (c *Container) InPodStatus() bool { return c.Config.InitCtr == "" }
