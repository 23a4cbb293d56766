package model

import "testing"

func TestEveryTransition(t *testing.T) {
	all := []Status{Created, Running, Stopping, Exited, Removing}
	allowed := map[[2]Status]bool{
		{Created, Running}: true, {Created, Exited}: true, {Created, Removing}: true,
		{Running, Stopping}: true, {Running, Exited}: true,
		{Stopping, Exited}: true, {Stopping, Running}: true,
		{Exited, Running}: true, {Exited, Removing}: true,
	}
	for _, from := range all {
		for _, to := range all {
			want := from == to || allowed[[2]Status{from, to}]
			st := State{Status: from}
			err := st.Transition(to)
			if (err == nil) != want {
				t.Errorf("%s → %s: err=%v, want allowed=%v", from, to, err, want)
			}
			if err == nil && st.Status != to {
				t.Errorf("%s → %s: status is %s after transition", from, to, st.Status)
			}
			if err != nil && st.Status != from {
				t.Errorf("%s → %s: refused transition changed status to %s", from, to, st.Status)
			}
		}
	}
}

func TestValid(t *testing.T) {
	if !Running.Valid() || Status("paused").Valid() {
		t.Fatal("Valid disagrees with the transition table")
	}
}

func TestArgs(t *testing.T) {
	c := Config{Entrypoint: []string{"sh", "-c"}, Cmd: []string{"exit 3"}}
	got := c.Args()
	if len(got) != 3 || got[0] != "sh" || got[2] != "exit 3" {
		t.Fatalf("Args() = %q", got)
	}
	got[0] = "x"
	if c.Entrypoint[0] != "sh" {
		t.Fatal("Args() aliases Entrypoint")
	}
}

func TestPodStatus(t *testing.T) {
	cases := []struct {
		members []Status
		want    string
	}{
		{nil, "Created"},
		{[]Status{Created, Created}, "Created"},
		{[]Status{Running, Running}, "Running"},
		{[]Status{Running, Exited}, "Degraded"},
		{[]Status{Running, Created}, "Degraded"},
		{[]Status{Exited, Exited}, "Exited"},
		{[]Status{Exited, Created}, "Exited"},
	}
	for _, c := range cases {
		if got := PodStatus(c.members); got != c.want {
			t.Errorf("PodStatus(%v) = %s, want %s", c.members, got, c.want)
		}
	}
}
