package spec

import (
	"fmt"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podunit/podunit/engine/errdefs"
)

// defaultRlimits are the limits a container gets when the caller gives none.
// podman sets them to 1048576 where it may raise them and to its caller's
// hard limit where it may not; podunit never raises (it has no
// CAP_SYS_RESOURCE to count on), so they are the caller's hard limits.
var defaultRlimits = []string{"RLIMIT_NOFILE", "RLIMIT_NPROC"}

// buildRlimits returns given clamped to the caller's hard limits, or the
// defaults when given is nil. An unknown type is an invalid argument.
func buildRlimits(given []specs.POSIXRlimit, caller map[string]specs.POSIXRlimit) ([]specs.POSIXRlimit, error) {
	if given == nil {
		out := make([]specs.POSIXRlimit, 0, len(defaultRlimits))
		for _, name := range defaultRlimits {
			if c, ok := caller[name]; ok {
				out = append(out, specs.POSIXRlimit{Type: name, Hard: c.Hard, Soft: c.Hard})
			}
		}
		return out, nil
	}
	out := make([]specs.POSIXRlimit, 0, len(given))
	for _, rl := range given {
		if _, ok := rlimitTypes[rl.Type]; !ok {
			return nil, fmt.Errorf("rlimit %q: unknown type: %w", rl.Type, errdefs.ErrInvalidArgument)
		}
		if rl.Soft > rl.Hard {
			return nil, fmt.Errorf("rlimit %s: soft limit %d above hard limit %d: %w", rl.Type, rl.Soft, rl.Hard, errdefs.ErrInvalidArgument)
		}
		if c, ok := caller[rl.Type]; ok {
			rl.Hard = min(rl.Hard, c.Hard)
			rl.Soft = min(rl.Soft, rl.Hard)
		}
		out = append(out, rl)
	}
	return out, nil
}
