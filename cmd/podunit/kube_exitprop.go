//go:build !hotpath

package main

import (
	"context"
	"fmt"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/errdefs"
)

// Exit code propagation modes of kube play (Podman's
// --service-exit-code-propagation, Quadlet's ExitCodePropagation=).
var exitPropModes = map[string]bool{"none": true, "all": true, "any": true}

func checkExitProp(mode string) error {
	if mode != "" && !exitPropModes[mode] {
		return fmt.Errorf("--service-exit-code-propagation %q: want none, all or any: %w", mode, errdefs.ErrInvalidArgument)
	}
	return nil
}

// kubeWait, with --service-exit-code-propagation, stays until every
// container play started has exited for good (its unit will not restart
// it), so that a unit running play ends with them, and exits as they did.
func (a *app) kubeWait(ctx context.Context, eng *engine.Engine, pods []*kubePod, f *kubePlayFlags) error {
	if f.more.exitProp == "" || !f.start {
		return nil
	}
	var names, ids []string
	for _, p := range pods {
		for _, m := range p.members {
			c, err := eng.Container(ctx, m.opts.Name)
			if err != nil {
				return err
			}
			names, ids = append(names, m.opts.Name), append(ids, c.ID)
		}
	}
	codes, err := eng.WaitSettled(ctx, ids)
	if err != nil {
		return err
	}
	return exitPropagation(f.more.exitProp, names, codes)
}

// exitPropagation is the outcome of containers that exited with codes:
// with any, the first failure's code; with all, the last's when every one
// failed; with none, success.
func exitPropagation(mode string, names []string, codes []int) error {
	failed := 0
	first, last := -1, -1
	for i, c := range codes {
		if c != 0 {
			failed++
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	pick := -1
	switch {
	case mode == "any" && failed > 0:
		pick = first
	case mode == "all" && failed > 0 && failed == len(codes):
		pick = last
	}
	if pick < 0 {
		return nil
	}
	return &exitError{code: codes[pick], err: fmt.Errorf("container %s exited with code %d (--service-exit-code-propagation %s)",
		names[pick], codes[pick], mode)}
}
