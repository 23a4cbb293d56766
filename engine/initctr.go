package engine

import (
	"context"
	"fmt"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/systemd"
)

// checkInitCtr refuses an init container type podunit does not know, one
// outside a pod, and one with a restart policy: an init container runs to
// completion, once per pod start.
func checkInitCtr(o CreateOptions) error {
	t := o.Config.InitCtr
	switch {
	case t == "":
		return nil
	case t != model.InitCtrAlways && t != model.InitCtrOnce:
		return fmt.Errorf("--init-ctr %q: want always or once: %w", t, errdefs.ErrInvalidArgument)
	case o.Pod == "":
		return fmt.Errorf("--init-ctr needs --pod: %w", errdefs.ErrInvalidArgument)
	case o.Config.Remove:
		return fmt.Errorf("--init-ctr with --rm: use --init-ctr once, which removes it after its run: %w", errdefs.ErrInvalidArgument)
	case model.SystemdRestart(o.Config.Restart) != "no":
		return fmt.Errorf("--init-ctr with --restart %s: an init container runs once per pod start: %w",
			o.Config.Restart, errdefs.ErrInvalidArgument)
	}
	return nil
}

// splitInits separates a pod's init containers from its other members,
// each in creation order.
func splitInits(members []*model.Container) (inits, others []*model.Container) {
	for _, c := range members {
		if c.Config.InitCtr != "" {
			inits = append(inits, c)
		} else {
			others = append(others, c)
		}
	}
	return inits, others
}

// runPodInits runs the init containers of pod p to completion, in order,
// before its other members start: each must exit 0, and a "once" one is
// removed after. They run only when the pod starts, that is when none of
// the other members runs; a pod started again (pod restart, pod stop +
// start) runs them again, as the kubelet does. It returns the other members.
func (e *Engine) runPodInits(ctx context.Context, conn *systemd.Conn, p *model.Pod, members []*model.Container) ([]*model.Container, error) {
	inits, others := splitInits(members)
	if len(inits) == 0 {
		return others, nil
	}
	for _, c := range others {
		if c.State.Status == model.Running {
			return others, nil
		}
	}
	for _, c := range inits {
		if err := e.runInit(ctx, conn, p, c); err != nil {
			return nil, memberError(c, err)
		}
	}
	return others, nil
}

func (e *Engine) runInit(ctx context.Context, conn *systemd.Conn, p *model.Pod, c *model.Container) error {
	if c.State.Status != model.Running {
		if err := e.startUnit(ctx, conn, c, p, false); err != nil {
			return err
		}
	}
	code, err := e.Wait(ctx, c.ID)
	if err != nil {
		return err
	}
	if code != 0 {
		return fmt.Errorf("init container exited with code %d, the pod's other containers stay stopped: %w", code, errdefs.ErrConflict)
	}
	if c.Config.InitCtr == model.InitCtrOnce {
		return e.Remove(ctx, c.ID, RemoveOptions{Force: true})
	}
	return nil
}
