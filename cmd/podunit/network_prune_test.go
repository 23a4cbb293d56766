package main

import (
	"testing"
	"time"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/errdefs"
)

func TestNetworkPruneFilter(t *testing.T) {
	old := engine.Network{Name: "old", Labels: map[string]string{"tier": "web"}, Created: time.Now().Add(-2 * time.Hour)}
	fresh := engine.Network{Name: "fresh", Labels: map[string]string{"tier": "db"}, Created: time.Now()}
	for _, c := range []struct {
		filters    []string
		old, fresh bool
	}{
		{nil, true, true},
		{[]string{"label=tier=web"}, true, false},
		{[]string{"label=tier"}, true, true},
		{[]string{"label!=tier=web"}, false, true},
		{[]string{"until=1h"}, true, false},
		{[]string{"until=1h", "label=tier=db"}, false, false},
	} {
		keep, err := engine.CompilePruneFilter(c.filters, time.Now())
		match := func(n engine.Network) bool { return keep == nil || keep(n.Labels, n.Created) }
		if err != nil {
			t.Fatalf("%v: %v", c.filters, err)
		}
		if match(old) != c.old || match(fresh) != c.fresh {
			t.Errorf("%v: old %v fresh %v, want %v %v", c.filters, match(old), match(fresh), c.old, c.fresh)
		}
	}
	for _, bad := range []string{"name=x", "until=soon", "label"} {
		if _, err := engine.CompilePruneFilter([]string{bad}, time.Now()); !errdefs.IsInvalidArgument(err) {
			t.Errorf("--filter %s: %v, want invalid", bad, err)
		}
	}
}
