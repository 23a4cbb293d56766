package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/podunit/podunit/engine/errdefs"
)

func TestDetachKeysFlag(t *testing.T) {
	for _, c := range []struct {
		args   []string
		cannot string // why the run cannot detach; "": it can
		want   string // "" no error; else a part of it
		class  error
	}{
		{nil, "without systemd", "", nil},
		{[]string{"--detach-keys", ""}, "without systemd", "", nil},
		{[]string{"--detach-keys", "ctrl-p,ctrl-q"}, "without systemd", "", nil},
		{[]string{"--detach-keys", "ctrl-a"}, "", "", nil},
		{[]string{"--detach-keys", "ctrl-x,a"}, "", "", nil},
		{[]string{"--detach-keys", "ctrl-a"}, "without systemd", `--detach-keys "ctrl-a": run cannot detach without systemd`, errdefs.ErrNotImplemented},
		{[]string{"--detach-keys", "ctrl-"}, "", `invalid --detach-keys "ctrl-"`, errdefs.ErrInvalidArgument},
	} {
		var f detachKeysFlag
		fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
		f.register(fs)
		if err := fs.Parse(c.args); err != nil {
			t.Fatal(err)
		}
		err := f.check("run", c.cannot)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%q cannot=%q: %v", c.args, c.cannot, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, c.class)):
			t.Errorf("%q cannot=%q: %v, want an error with %q", c.args, c.cannot, err, c.want)
		}
	}
}

// TestAttachedInUnit: an attached run goes to its unit when it can detach
// there (-t, -i, systemd) and keys were given; otherwise it stays this
// command's child, and a sequence other than the default is refused.
func TestAttachedInUnit(t *testing.T) {
	for _, c := range []struct {
		keys                       string
		attached, tty, interactive bool
		want                       bool
		err                        string
	}{
		{"ctrl-a", false, true, true, false, ""},
		{"ctrl-p,ctrl-q", true, false, true, false, ""},
		{"ctrl-p,ctrl-q", true, true, false, false, ""},
		{"ctrl-a", true, true, false, false, "without both -t and -i"},
		{"", true, false, false, false, ""},
	} {
		dk := detachKeysFlag{keys: c.keys}
		got, err := attachedInUnit(dk, "run", c.attached, c.tty, c.interactive)
		switch {
		case got != c.want:
			t.Errorf("%+v: in the unit %v, want %v", c, got, c.want)
		case c.err == "" && err != nil, c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%+v: %v, want an error with %q", c, err, c.err)
		}
	}
}
