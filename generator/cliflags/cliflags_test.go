package cliflags

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	for _, ok := range [][]string{
		{"-e", "A=1", "--env=B=2", "-p8080:80", "-p", "1:2", "--privileged", "--log-level", "debug"},
		{"-d", "--name", "x"}, {},
	} {
		if err := Check("run", ok); err != nil {
			t.Errorf("Check(run, %q) = %v", ok, err)
		}
	}
	for args, want := range map[string]string{
		"--nope":        "unknown flag --nope",
		"-Z":            "unknown shorthand flag -Z",
		"--name":        "flag --name needs a value",
		"image":         `"image" is not a flag`,
		"-- x":          `"--" is not a flag`,
		"-de":           "flag -e needs a value",
		"--root=/x --q": "unknown flag --q",
	} {
		err := Check("run", strings.Fields(args))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Check(run, %s) = %v, want %q", args, err, want)
		}
	}
	if err := Check(Global, []string{"--privileged"}); err == nil {
		t.Error("a run flag passed as a global flag")
	}
	if err := Check("nope", nil); err == nil {
		t.Error("a verb without a table")
	}
	for _, v := range Verbs {
		if f, ok := Flags(v); !ok || len(f) == 0 {
			t.Errorf("verb %q has no flags in the table", v)
		}
	}
}

func TestBool(t *testing.T) {
	for _, c := range []struct {
		args []string
		want bool
	}{
		{nil, false},
		{[]string{"-t"}, true},
		{[]string{"-it"}, true},
		{[]string{"-ti"}, true},
		{[]string{"--tty"}, true},
		{[]string{"--tty=true"}, true},
		{[]string{"--tty", "--tty=false"}, false},
		{[]string{"-i"}, false},
		{[]string{"--name", "-t"}, false}, // -t is --name's value
		{[]string{"-e", "-t"}, false},     // and -e's
		{[]string{"-et"}, false},          // -e's value "t"
		{[]string{"--env=X", "-t"}, true},
		{[]string{"--interactive", "--tty"}, true},
	} {
		if got := Bool("run", c.args, "tty"); got != c.want {
			t.Errorf("Bool(run, %q, tty) = %v, want %v", c.args, got, c.want)
		}
	}
}
