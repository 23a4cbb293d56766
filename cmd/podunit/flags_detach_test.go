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
		args     []string
		attached bool
		want     string // "" no error; else a part of it
		class    error
	}{
		{nil, true, "", nil},
		{[]string{"--detach-keys", ""}, true, "", nil},
		{[]string{"--detach-keys", "ctrl-p,ctrl-q"}, true, "", nil},
		{[]string{"--detach-keys", "ctrl-a"}, false, "", nil},
		{[]string{"--detach-keys", "ctrl-a"}, true, `--detach-keys "ctrl-a": run cannot detach`, errdefs.ErrNotImplemented},
		{[]string{"--detach-keys", "ctrl-"}, false, `invalid --detach-keys "ctrl-"`, errdefs.ErrInvalidArgument},
	} {
		var f detachKeysFlag
		fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
		f.register(fs)
		if err := fs.Parse(c.args); err != nil {
			t.Fatal(err)
		}
		err := f.check("run", c.attached)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%q attached=%v: %v", c.args, c.attached, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, c.class)):
			t.Errorf("%q attached=%v: %v, want an error with %q", c.args, c.attached, err, c.want)
		}
	}
}
