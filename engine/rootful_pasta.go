package engine

import (
	"fmt"

	"github.com/podunit/podunit/engine/errdefs"
)

// Root's containers may run on pasta too, as Podman 5's may: the same
// road as a rootless container's (rootless_pasta.go), a namespace the
// engine makes and holds, served by a pasta of the container's own, which
// stays uid 0 (--runas 0:0: given up to nobody, it could not open the
// held namespace through its own fd) but drops its capabilities and
// sandboxes itself as pasta always does. It runs in the container's unit
// and ends with it. slirp4netns stays rootless only.

// rootfulPodPasta refuses pasta for a root pod: its members share the
// namespaces the pod pins, and podunit starts no pasta on those yet.
func (e *Engine) rootfulPodPasta(mode string) error {
	if e.cfg.Rootless.On || mode != pastaMode {
		return nil
	}
	return fmt.Errorf("--network pasta: a pod of root's takes a network's name, bridge, none or host; "+
		"give --network pasta to its containers outside a pod: %w", errdefs.ErrNotImplemented)
}
