package export

import (
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/engine/model"
)

// TestHealthUnits: generate systemd writes a container with a timed check
// as its service, which wants the check's timer, and the timer + oneshot
// service pair (the values escaped as every unit value is); none where
// the check has no interval; a startup check's pair besides, which the
// unit wants instead.
func TestHealthUnits(t *testing.T) {
	_, members := fixture()
	c := *members[1]
	c.Config.Pod = ""
	c.Config.Health = &model.HealthConfig{Test: []string{"CMD-SHELL", "true"}, Interval: 1500 * time.Millisecond,
		Timeout: time.Second, Retries: 3, OnFailure: "none"}
	o := Options{Globals: []string{"--root", "/srv/100%"}}
	units, err := ContainerUnits(&c, nil, o)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{ContainerUnit(c.Name), "container-" + c.Name + "-healthcheck.timer", "container-" + c.Name + "-healthcheck.service"}
	if len(units) != 3 || units[0].Name != want[0] || units[1].Name != want[1] || units[2].Name != want[2] {
		t.Fatalf("units %v, want %q", unitNames(units), want)
	}
	for _, l := range []struct {
		unit int
		line string
	}{
		{0, "\nWants=" + want[1] + "\n"},
		{1, "\nBindsTo=" + want[0] + "\nAfter=" + want[0] + "\n"},
		{1, "\nOnActiveSec=1500ms\nOnUnitInactiveSec=1500ms\n"},
		{2, "\nExecStart=/usr/bin/podunit --root /srv/100%% healthcheck run " + c.Name + "\n"},
	} {
		if u := units[l.unit]; !strings.Contains(string(u.Text), l.line) {
			t.Errorf("%s lacks %q:\n%s", u.Name, l.line, u.Text)
		}
	}
	c.Config.Health.Interval = 0
	if units, err := ContainerUnits(&c, nil, o); err != nil || len(units) != 1 || strings.Contains(string(units[0].Text), "healthcheck") {
		t.Errorf("--health-interval disable: %v, %v", unitNames(units), err)
	}
	c.Config.Health.Interval = time.Second
	c.Config.Health.Startup = &model.HealthStartup{Test: []string{"CMD", "true"}, Interval: 2 * time.Second}
	units, err = ContainerUnits(&c, nil, o)
	startup := "container-" + c.Name + "-healthcheck-startup"
	if got := strings.Join(unitNames(units), " "); err != nil || got != strings.Join(append(want, startup+".timer", startup+".service"), " ") {
		t.Fatalf("with a startup check: %v, %v", got, err)
	}
	if u := string(units[0].Text); !strings.Contains(u, "\nWants="+startup+".timer\n") || strings.Contains(u, want[1]) {
		t.Errorf("with a startup check the unit must want the startup timer only:\n%s", u)
	}
	if u := string(units[3].Text); !strings.Contains(u, "\nOnActiveSec=2s\n") || !strings.Contains(u, "\nBindsTo="+want[0]+"\n") {
		t.Errorf("startup timer:\n%s", u)
	}
}

func unitNames(us []Unit) []string {
	var out []string
	for _, u := range us {
		out = append(out, u.Name)
	}
	return out
}

// TestPodMemberHealthUnits: a pod's units include a member's check pair,
// after the member's own unit.
func TestPodMemberHealthUnits(t *testing.T) {
	p, members := fixture()
	members[1].Config.Health = &model.HealthConfig{Test: []string{"CMD", "true"}, Interval: time.Second,
		Timeout: time.Second, Retries: 1, OnFailure: "kill"}
	units, err := Pod(p, members, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{PodUnit(p.Name), ContainerUnit("front"), ContainerUnit("probe"),
		"container-probe-healthcheck.timer", "container-probe-healthcheck.service"}
	if got := unitNames(units); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("units %q, want %q", got, want)
	}
}
