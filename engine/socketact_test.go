package engine

import (
	"reflect"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
)

func TestParseActivation(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	cases := []struct {
		vars map[string]string
		want activation
	}{
		{map[string]string{}, activation{}},
		{map[string]string{"LISTEN_PID": "42", "LISTEN_FDS": "2", "LISTEN_FDNAMES": "web:admin"}, activation{2, "web:admin"}},
		// another process's variables (a parent's, inherited) are not ours
		{map[string]string{"LISTEN_PID": "41", "LISTEN_FDS": "2"}, activation{}},
		{map[string]string{"LISTEN_FDS": "2"}, activation{}},
	}
	for _, c := range cases {
		got, err := parseActivation(env(c.vars), 42)
		if err != nil || got != c.want {
			t.Errorf("parseActivation(%v) = %+v, %v; want %+v", c.vars, got, err, c.want)
		}
	}
	for _, bad := range []string{"x", "-1", "99999999"} {
		_, err := parseActivation(env(map[string]string{"LISTEN_PID": "42", "LISTEN_FDS": bad}), 42)
		if !errdefs.IsInvalidArgument(err) {
			t.Errorf("LISTEN_FDS=%q: %v, want an invalid argument", bad, err)
		}
	}
}

func TestActivationEnvReplacesTheContainersOwn(t *testing.T) {
	in := []string{"PATH=/bin", "LISTEN_FDS=9", "LISTEN_PIDX=kept", "LISTEN_PID=7"}
	got := activation{n: 2, names: "a:b"}.env(in)
	want := []string{"PATH=/bin", "LISTEN_PIDX=kept", "LISTEN_PID=1", "LISTEN_FDS=2", "LISTEN_FDNAMES=a:b"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("env = %q, want %q", got, want)
	}
	if got := (activation{}).env(in); !reflect.DeepEqual(got, in) {
		t.Errorf("no activation changed the environment: %q", got)
	}
	if got := (activation{n: 1}).env(nil); !reflect.DeepEqual(got, []string{"LISTEN_PID=1", "LISTEN_FDS=1"}) {
		t.Errorf("no names: %q", got)
	}
}

func TestWithActivationLeavesTheRecord(t *testing.T) {
	c := &model.Container{Name: "web"}
	c.Config.Env = []string{"A=1"}
	got := withActivation(c, activation{n: 1})
	if len(c.Config.Env) != 1 || len(got.Config.Env) != 3 || got.Name != "web" {
		t.Errorf("record env %q, start env %q", c.Config.Env, got.Config.Env)
	}
	if withActivation(c, activation{}) != c {
		t.Error("no activation copied the container")
	}
}
