package engine

import (
	"context"
	"time"

	"github.com/podunit/podunit/engine/cgroups"
	"github.com/podunit/podunit/engine/model"
)

// ContainerStats is one container's resource use, read from its cgroups.
// A container that is not running has only its record and Running false.
type ContainerStats struct {
	Container *model.Container
	Running   bool
	Up        time.Duration // since it started
	Read      time.Time     // when the counters were read
	cgroups.Usage
}

// Stats reads the resource use of the containers refs names (every
// running one when refs is empty; every one with all).
func (e *Engine) Stats(ctx context.Context, refs []string, all bool) ([]ContainerStats, error) {
	var cs []*model.Container
	if len(refs) == 0 {
		list, err := e.Containers(ctx)
		if err != nil {
			return nil, err
		}
		for _, c := range list {
			if all || c.State.Status == model.Running || c.State.Status == model.Paused {
				cs = append(cs, c)
			}
		}
	}
	for _, ref := range refs {
		c, err := e.Container(ctx, ref)
		if err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	out := make([]ContainerStats, 0, len(cs))
	for _, c := range cs {
		out = append(out, statsOf(c))
	}
	return out, nil
}

// statsOf reads one container's counters; a memory limit above the
// machine's memory (none set) is the machine's.
func statsOf(c *model.Container) ContainerStats {
	st := ContainerStats{Container: c, Read: time.Now()}
	if c.State.Status != model.Running && c.State.Status != model.Paused {
		return st
	}
	set, err := cgroups.DefaultRoot.Of(c.State.Pid)
	if err != nil {
		return st // it stopped while we looked
	}
	st.Running, st.Up, st.Usage = true, st.Read.Sub(c.State.StartedAt), set.Usage(c.State.Pid)
	if host := cgroups.HostMemory(); st.MemLimit == 0 || st.MemLimit > host {
		st.MemLimit = host
	}
	return st
}
