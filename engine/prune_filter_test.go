package engine

import (
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
)

func TestCompilePruneFilter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	old, recent := now.Add(-48*time.Hour), now.Add(-time.Minute)
	tier := map[string]string{"tier": "db", "keep": "yes"}
	for _, c := range []struct {
		args    []string
		labels  map[string]string
		created time.Time
		want    bool
	}{
		{nil, nil, recent, true},
		{[]string{"label=tier"}, tier, recent, true},
		{[]string{"label=tier=db"}, tier, recent, true},
		{[]string{"label=tier=d*"}, tier, recent, true},
		{[]string{"label=tier=web"}, tier, recent, false},
		{[]string{"label=tier"}, nil, recent, false},
		{[]string{"label!=keep"}, tier, recent, false},
		{[]string{"label!=keep"}, nil, recent, true},
		{[]string{"label=tier", "label=keep=yes"}, tier, recent, true}, // every label= must match
		{[]string{"label=tier", "label=gone"}, tier, recent, false},
		{[]string{"until=24h"}, nil, old, true},
		{[]string{"until=24h"}, nil, recent, false},
		{[]string{"until=2025-12-01"}, nil, old, false},
		{[]string{"until=24h", "label=tier"}, tier, old, true}, // keys are and-ed
		{[]string{"until=24h", "label=tier"}, nil, old, false},
	} {
		keep, err := CompilePruneFilter(c.args, now)
		if err != nil {
			t.Fatalf("%v: %v", c.args, err)
		}
		if got := keep.allows(c.labels, c.created); got != c.want {
			t.Errorf("%v on %v created %v = %v, want %v", c.args, c.labels, c.created, got, c.want)
		}
	}
}

func TestCompilePruneFilterRefuses(t *testing.T) {
	for _, arg := range []string{"bogus=1", "label", "label=", "until=notatime", "dangling=true", "name=x"} {
		_, err := CompilePruneFilter([]string{arg}, time.Now())
		if !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), arg) {
			t.Errorf("%q: err %v, want an invalid argument naming it", arg, err)
		}
	}
}
