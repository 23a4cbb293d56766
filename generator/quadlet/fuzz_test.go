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
// keys the generator writes, ExecStart= must split into exactly the
// intended words (each value a word of its own, its specifiers and
// variables left for systemd, as Quadlet leaves them), and every % in it
// must be one systemd resolves.
func FuzzContainerValues(f *testing.F) {
	f.Add("web", "v", "x", "/srv", "arg")
	f.Add("a%nb", "$HOME", "100%%", "/p ath", "\n[Service]\nExecStart=/bin/evil")
	f.Add("x\\", "\"q\"", "'", "/a\\b", "; rm -rf /")
	f.Add("[Service]", "a\tb", "${X}", "%h/data", "\\x41 \x80")
	f.Add("web-%i", "\\.", "I=%i", "\"%h/d\"", "echo 100%% $X")
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
	start, _ := out.Section("Service").Lookup("ExecStart")
	argv, err := unitfile.SplitExecRaw(start.Value)
	if err != nil {
		t.Fatalf("ExecStart=%s: %v", start.Value, err)
	}
	checkExecWords(t, "ExecStart", start.Value, argv)
	want := wantArgv(in)
	if want == nil {
		return
	}
	if !reflect.DeepEqual(argv, want) {
		t.Fatalf("argv\n got %q\nwant %q\nline %s", argv, want, start.Value)
	}
}

// wantArgv is the ExecStart= words the fuzzed source must give, before
// systemd expands specifiers and variables; nil when the volume path is
// made absolute on purpose.
func wantArgv(in *unitfile.File) []string {
	c := in.Section("Container")
	get := func(k string) string { e, _ := c.Lookup(k); return e.Value }
	split := func(k string) []string { w, _, _ := unitfile.SplitWordsRelaxed(get(k)); return w }
	vol := unitfile.Unquote(get("Volume"))
	if strings.HasPrefix(vol, "./") || strings.HasPrefix(vol, "../") || strings.HasPrefix(vol, ".:") || strings.HasPrefix(vol, "..:") {
		return nil
	}
	name := unitfile.Unquote(get("ContainerName"))
	if name == "" {
		name = "systemd-%N"
	}
	want := []string{"/usr/bin/podunit", "run", "--unit", "--replace", "--rm", "--name", name}
	for _, w := range split("Environment") {
		want = append(want, "-e", w)
	}
	for _, w := range split("Label") {
		want = append(want, "-l", w)
	}
	if vol != "" {
		want = append(want, "-v", vol)
	}
	want = append(want, "img")
	return append(want, split("Exec")...)
}

// FuzzAnyKey puts an arbitrary value into any supported key of any kind
// and checks what every translation must keep: the unit has only [Unit]
// and [Service], every Exec line splits as systemd splits it, with a
// binary first and only specifiers systemd resolves, and no value adds a
// [Service] key the generator does not write.
func FuzzAnyKey(f *testing.F) {
	f.Add(uint8(0), uint8(0), "%h/data:/data")
	f.Add(uint8(1), uint8(3), "\"a b\" ; \\n")
	f.Add(uint8(4), uint8(2), "--root=%t/x $X")
	f.Fuzz(func(t *testing.T, kindN, keyN uint8, value string) {
		kind := Kinds[int(kindN)%len(Kinds)]
		keys := supportedKeys(kind)
		key := keys[int(keyN)%len(keys)]
		src := "[" + kind.Section() + "]\n"
		if key != "Image" && (kind == Container || kind == Image) {
			src += "Image=img\n"
		}
		in, err := unitfile.Parse("/s/x."+string(kind), []byte(src+key+"="+value+"\n"))
		if err != nil || strings.ContainsAny(value, "\r\n") {
			return
		}
		id, err := Identify("x."+string(kind), in)
		if err != nil {
			return
		}
		u, err := Translate(id, in, "/s", noRefs, Options{Binary: "/usr/bin/podunit"})
		if err != nil {
			return
		}
		checkAnyUnit(t, u)
	})
}

func checkAnyUnit(t *testing.T, u *Unit) {
	text := unitfile.Bytes([]string{"h"}, u.File)
	out, err := unitfile.Parse("out", text)
	if err != nil {
		t.Fatalf("generated unit does not parse: %v\n%s", err, text)
	}
	for _, s := range out.Sections {
		if s.Name != "Unit" && s.Name != "Service" {
			t.Fatalf("section [%s]\n%s", s.Name, text)
		}
	}
	written := []string{"Environment", "KillMode", "Delegate", "Type", "NotifyAccess", "SyslogIdentifier", "KillSignal",
		"TimeoutStopSec", "RemainAfterExit", "SendSIGKILL", "ExecStart", "ExecStartPre", "ExecStop", "ExecStopPost", "ExecReload", "Slice",
		"SuccessExitStatus", "RestartForceExitStatus", "RestartPreventExitStatus", "MemoryMax", "TasksMax", "LoadCredential"}
	for _, e := range out.Section("Service").Entries {
		if !slices.Contains(written, e.Key) {
			t.Fatalf("unexpected [Service] %s=%s", e.Key, e.Value)
		}
		if e.Key == "SendSIGKILL" && e.Value != "no" { // a terminal's keeper ends by itself
			t.Fatalf("SendSIGKILL=%s", e.Value)
		}
		if e.Key == "LoadCredential" && (!strings.HasPrefix(e.Value, "podunit-secret.") || strings.Count(e.Value, ":") != 1 ||
			strings.ContainsAny(e.Value, " \t\"'\\")) {
			t.Fatalf("LoadCredential=%s: not one credential ID and one path", e.Value)
		}
		if !strings.HasPrefix(e.Key, "Exec") {
			continue
		}
		argv, err := unitfile.SplitExecRaw(e.Value)
		if err != nil || argv[0] != "/usr/bin/podunit" {
			t.Fatalf("%s=%s: %q, %v", e.Key, e.Value, argv, err)
		}
		checkExecWords(t, e.Key, e.Value, argv)
	}
}

// checkExecWords fails when systemd would refuse a specifier in one of an
// Exec= line's words: it resolves them in each word after unquoting, and
// copies a % that ends a word as it is.
func checkExecWords(t *testing.T, key, line string, argv []string) {
	t.Helper()
	for _, w := range argv {
		if err := unitfile.CheckSpecifiers(w); err != nil {
			t.Fatalf("%s=%s: systemd would refuse word %q: %v", key, line, w, err)
		}
	}
}
