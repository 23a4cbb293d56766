package engine

import (
	"slices"
	"testing"

	"github.com/podunit/podunit/engine/model"
)

// TestCapabilities: inspect's sets are the spec's: the defaults with
// --cap-add and without --cap-drop, effective for root only.
func TestCapabilities(t *testing.T) {
	c := &model.Container{Config: model.Config{CapAdd: []string{"net_admin"}, CapDrop: []string{"CAP_CHOWN"}}}
	b, e, err := Capabilities(c)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(b, "CAP_NET_ADMIN") || slices.Contains(b, "CAP_CHOWN") || !slices.Contains(b, "CAP_KILL") || len(b) != 11 {
		t.Errorf("bounding %v", b)
	}
	if !slices.Equal(b, e) {
		t.Errorf("root's effective set %v differs from the bounding set %v", e, b)
	}
	for _, user := range []string{"1000", "1000:1000", "app"} {
		c.Config.User = user
		if _, e, _ := Capabilities(c); e == nil || len(e) != 0 {
			t.Errorf("user %q: effective %v, want an empty set", user, e)
		}
	}
	c.Config.User = "root:wheel"
	if _, e, _ := Capabilities(c); len(e) != 11 {
		t.Errorf("root:wheel: effective %v", e)
	}
}
