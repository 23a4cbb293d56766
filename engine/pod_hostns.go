package engine

import (
	"fmt"
	"slices"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/network"
)

// completePodHostNS checks --pid and --ipc of a pod (host or private) and
// takes a namespace its members find on the host out of the shared ones:
// the pod pins no IPC namespace and holds no PID namespace that no member
// joins. With a pod user namespace the members cannot mount a /proc of the
// host's PID namespace, so that pair is refused.
func completePodHostNS(cfg *model.PodConfig) error {
	for _, m := range []struct {
		flag, ns string
		mode     *string
	}{{"--pid", network.PID, &cfg.PIDMode}, {"--ipc", network.IPC, &cfg.IPCMode}} {
		switch *m.mode {
		case "", "private":
			*m.mode = ""
		case model.HostNS:
			cfg.Share = slices.DeleteFunc(slices.Clone(cfg.Share), func(s string) bool { return s == m.ns })
		default:
			return fmt.Errorf("%s %q: want host or private: %w", m.flag, *m.mode, errdefs.ErrInvalidArgument)
		}
	}
	if cfg.PIDMode == model.HostNS && cfg.NewUserNS() {
		return fmt.Errorf("--pid host cannot be given with a pod user namespace (--userns, --uidmap …): %w", errdefs.ErrInvalidArgument)
	}
	return nil
}
