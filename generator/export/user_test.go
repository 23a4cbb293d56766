package export

import (
	"testing"

	"github.com/podunit/podunit/generator/unitfile"
)

// TestUserUnitsWantDefaultTarget: a rootless caller's units are for the
// user's manager, which has no multi-user.target; the system's name both.
func TestUserUnitsWantDefaultTarget(t *testing.T) {
	p, members := fixture()
	for _, c := range []struct {
		user bool
		want string
	}{{true, "default.target"}, {false, "multi-user.target default.target"}} {
		units, err := Pod(p, members, Options{User: c.user})
		if err != nil {
			t.Fatal(err)
		}
		solo := *members[1]
		solo.Config.Pod = ""
		u, err := Container(&solo, nil, Options{User: c.user})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range []Unit{units[0], u} {
			f, err := unitfile.Parse(u.Name, u.Text)
			if err != nil {
				t.Fatal(err)
			}
			if e, _ := f.Section("Install").Lookup("WantedBy"); e.Value != c.want {
				t.Errorf("user %v, %s: WantedBy=%s, want %s", c.user, u.Name, e.Value, c.want)
			}
		}
	}
}
