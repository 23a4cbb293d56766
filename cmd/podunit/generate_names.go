package main

import (
	"context"
	"strings"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/model"
)

// withNetworkNames is c with --network container:ID written by the other
// container's name: a --new unit makes that container anew, with a new ID,
// under the same name. An ID whose container is gone stays.
func withNetworkNames(ctx context.Context, eng *engine.Engine, c *model.Container) *model.Container {
	id, ok := strings.CutPrefix(c.Config.Network, "container:")
	if !ok {
		return c
	}
	other, err := eng.Container(ctx, id)
	if err != nil {
		return c
	}
	cp := *c
	cp.Config.Network = "container:" + other.Name
	return &cp
}
