package engine

import (
	"context"
	"fmt"
	"io"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/names"
	"github.com/podunit/podunit/engine/systemd"
)

// PodLogOptions are `pod logs` flags.
type PodLogOptions struct {
	LogOptions
	Container string // only this member (name or ID)
	Names     bool   // prefix lines with the member's name instead of its short ID
}

// PodLogs writes the members' output from the journal, interleaved by
// time, each line prefixed with the member's short ID (or name).
func (e *Engine) PodLogs(ctx context.Context, ref string, o PodLogOptions, stdout, stderr io.Writer) error {
	p, err := e.store.Pod(ctx, ref)
	if err != nil {
		return err
	}
	members, err := e.store.PodContainers(ctx, p.ID)
	if err != nil {
		return err
	}
	if o.Container != "" {
		if members, err = e.podMember(ctx, p, o.Container); err != nil {
			return err
		}
	}
	if len(members) == 0 {
		return fmt.Errorf("pod %q has no containers: %w", p.Name, errdefs.ErrNotFound)
	}
	if !systemd.Available() {
		return fmt.Errorf("logs of pod %q: the journal is not available here (systemd is not running): %w",
			p.Name, errdefs.ErrUnavailable)
	}
	lo := systemd.LogOptions{Follow: o.Follow, Tail: o.Tail, Since: o.Since, Until: o.Until,
		Timestamps: o.Timestamps, Prefix: map[string]string{}}
	if lo.Since.Before(p.Created) {
		lo.Since = p.Created // earlier containers of the same names logged under the same units
	}
	for i, c := range members {
		unit := c.State.Unit
		if unit == "" {
			unit = names.ContainerUnit(c.Name, c.ID)
		}
		if i == 0 {
			lo.Unit = unit
		} else {
			lo.MoreUnits = append(lo.MoreUnits, unit)
		}
		lo.Prefix[c.Name] = names.ShortID(c.ID) + " "
		if o.Names {
			lo.Prefix[c.Name] = c.Name + " "
		}
	}
	e.rootlessLogs(&lo, members...)
	return systemd.Logs(ctx, lo, stdout, stderr)
}

// podMember finds the member ref of p, or says it is not one.
func (e *Engine) podMember(ctx context.Context, p *model.Pod, ref string) ([]*model.Container, error) {
	c, err := e.store.Container(ctx, ref)
	if err != nil {
		return nil, err
	}
	if c.Config.Pod != p.ID {
		return nil, fmt.Errorf("container %q is not in pod %q: %w", ref, p.Name, errdefs.ErrNotFound)
	}
	return []*model.Container{c}, nil
}
