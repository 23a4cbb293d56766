package quadlet

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/podunit/podunit/generator/unitfile"
)

func noRefs(string) (Ident, error) { return Ident{}, errNoRef }

var errNoRef = unitfile.Errorf("", 0, "no references in this test")

// FuzzContainerValues puts arbitrary values into a .container file as a
// user would (a name, a label, an environment variable, a host path, Exec
// arguments), translates it, and reads the unit back with the parser and a
// systemd-compatible Exec splitter: it must have exactly the sections and
// keys the generator writes, and ExecStart's argv must be the intended one.
func FuzzContainerValues(f *testing.F) {
	f.Add("web", "v", "x", "/srv", "arg")
	f.Add("a%nb", "$HOME", "100%", "/p ath", "\n[Service]\nExecStart=/bin/evil")
	f.Add("x\\", "\"q\"", "'", "/a\\b", "; rm -rf /")
	f.Add("[Service]", "a\tb", "${X}", "%h/data", "\\x41 \x80")
	f.Fuzz(func(t *testing.T, name, label, env, path, arg string) {
		if strings.ContainsAny(name+path, "\r\n") {
			// written raw into the source, a line break makes another file
			// (new keys, new sections the user wrote), not another value
			return
		}
		src := "[Container]\nImage=img\nContainerName=" + name +
			"\nLabel=" + unitfile.QuoteWord("l="+label) +
			"\nEnvironment=" + unitfile.QuoteWord("E="+env) +
			"\nVolume=" + path + ":/dst\nExec=" + unitfile.QuoteWord(arg) + " x\n"
		in, err := unitfile.Parse("/s/web.container", []byte(src))
		if err != nil {
			return // refused (line break, NUL, bad UTF-8…): nothing generated
		}
		id, err := Identify("web.container", in)
		if err != nil {
			return
		}
		u, err := Translate(id, in, "/s", noRefs, Options{Binary: "/usr/bin/podunit"})
		if err != nil {
			return
		}
		checkUnit(t, u, in)
	})
}

func checkUnit(t *testing.T, u *Unit, in *unitfile.File) {
	out, err := unitfile.Parse("out", unitfile.Bytes([]string{"h"}, u.File))
	if err != nil {
		t.Fatalf("generated unit does not parse: %v", err)
	}
	var names []string
	for _, s := range out.Sections {
		names = append(names, s.Name)
	}
	if !reflect.DeepEqual(names, []string{"Unit", "Service"}) {
		t.Fatalf("sections %q", names)
	}
	wantKeys := []string{"Environment", "KillMode", "Delegate", "Type", "NotifyAccess", "SyslogIdentifier",
		"TimeoutStopSec", "SuccessExitStatus", "ExecStart", "ExecStop", "ExecStopPost"}
	for _, e := range out.Section("Service").Entries {
		if !slices.Contains(wantKeys, e.Key) {
			t.Fatalf("unexpected [Service] key %s=%s", e.Key, e.Value)
		}
	}
	if n := len(out.Section("Service").Entries); n != len(wantKeys) {
		t.Fatalf("%d [Service] entries, want %d", n, len(wantKeys))
	}
	c := in.Section("Container")
	get := func(k string) string { e, _ := c.Lookup(k); return e.Value }
	name := get("ContainerName")
	start, _ := out.Section("Service").Lookup("ExecStart")
	argv, err := unitfile.SplitExec(start.Value, spec)
	if err != nil {
		t.Fatalf("ExecStart=%s: %v", start.Value, err)
	}
	arg, _ := unitfile.SplitWords(get("Exec"))
	lbl, _ := unitfile.SplitWords(get("Label"))
	env, _ := unitfile.SplitWords(get("Environment"))
	vol := get("Volume")
	if strings.HasPrefix(vol, "./") || strings.HasPrefix(vol, "../") || strings.HasPrefix(vol, ".:") || strings.HasPrefix(vol, "..:") {
		return // made absolute on purpose
	}
	if name == "" {
		name = "systemd-web"
	}
	want := []string{"/usr/bin/podunit", "run", "--unit", "--replace", "--rm", "--name", name}
	for _, w := range env {
		want = append(want, "-e", w)
	}
	for _, w := range lbl {
		want = append(want, "-l", w)
	}
	if vol != "" {
		want = append(want, "-v", vol)
	}
	want = append(want, "img")
	want = append(want, arg...)
	if !reflect.DeepEqual(argv, want) {
		t.Fatalf("argv\n got %q\nwant %q\nline %s", argv, want, start.Value)
	}
}

func spec(c byte) (string, bool) {
	v, ok := map[byte]string{'N': "web", 'n': "web.service"}[c]
	return v, ok
}
