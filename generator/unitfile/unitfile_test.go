package unitfile

import (
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	src := "# comment\n[Unit]\nDescription = a b \nAfter=x\\\n# skipped comment\n  y.service\n\n[Service]\nExec=a\\\\\n[Unit]\nWants=z\r\n"
	f, err := Parse("t.container", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	got := string(Bytes(nil, f))
	want := "[Unit]\nDescription=a b\nAfter=x   y.service\nWants=z\n\n[Service]\nExec=a\\\\\n"
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if e, _ := f.Section("Unit").Lookup("After"); e.Line != 4 {
		t.Errorf("continued entry line = %d, want 4", e.Line)
	}
}

func TestParseErrors(t *testing.T) {
	for src, want := range map[string]string{
		"A=b\n":                        "f:1: A= is outside",
		"[U]\nno equals\n":             "f:2: line is not",
		"[U\n":                         "f:1: section header",
		"[U]\nA=b\\\n":                 "f:2: continuation",
		"[U]\nA=b\\ \\\n \n":           "f:2: A= ends in a backslash",
		"[U]\nA=\x00\n":                "f:2: NUL byte",
		"[U]\nA=\rB=c\n":               "f:2: control character 0x0d",
		"[U]\nA=\xc3\n":                "f:2: invalid UTF-8",
		"[]\n":                         "f:1: invalid section name",
		"[U]\n=v\n":                    "f:2: assignment without a key",
		strings.Repeat("#", MaxSize+1): "f:1: file is larger",
	} {
		_, err := Parse("f", []byte(src))
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("Parse(%.20q) = %v, want %s…", src, err, want)
		}
	}
}

func TestSplitWords(t *testing.T) {
	for in, want := range map[string][]string{
		`a b  c`:                 {"a", "b", "c"},
		`"a b" 'c d'`:            {"a b", "c d"},
		`A="b c"d`:               {"A=b cd"},
		`"" x`:                   {"", "x"},
		`\x41\101\u00e9\s\t\\\"`: {"AAé \t\\\""},
		`"it's"`:                 {"it's"},
	} {
		got, err := SplitWords(in)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("SplitWords(%s) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{`"open`, `a\`, `\q`, `\x00`, `\x4`} {
		if _, err := SplitWords(bad); err == nil {
			t.Errorf("SplitWords(%s): no error", bad)
		}
	}
}

func TestExecRoundTrip(t *testing.T) {
	args := []string{"/usr/bin/podunit", "", ";", "a b", "%n", "$HOME", "${X}", "\"q'", "a\\b", "new\nline", "\x80\xff", "é", "[Service]", "-x"}
	line, err := ExecLine(Literal(args...))
	if err != nil {
		t.Fatal(err)
	}
	got, err := SplitExec(line, nil)
	if err != nil || !reflect.DeepEqual(got, args) {
		t.Errorf("SplitExec(%s) = %q, %v", line, got, err)
	}
	if strings.ContainsAny(line, "\n\r") {
		t.Errorf("line break in %q", line)
	}
	spec := func(c byte) (string, bool) { return map[byte]string{'N': "web"}[c], c == 'N' }
	got, err = SplitExec(ExecMust(t, []Arg{{Text: "/bin/x"}, {Text: "systemd-%N", Spec: true}}), spec)
	if err != nil || got[1] != "systemd-web" {
		t.Errorf("spec: %q %v", got, err)
	}
}

func ExecMust(t *testing.T, a []Arg) string {
	l, err := ExecLine(a)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// FuzzExecWord: any string without NUL survives quoting for an Exec= line
// and systemd's reading back (split, unescape, %%, $$) unchanged, in one
// line.
func FuzzExecWord(f *testing.F) {
	for _, s := range []string{"", "a b", "%", "$", "\\", "\"", "'", "\n[Service]\nExecStart=/bin/evil", ";", "\x80", "%%n$$X", "\\x41"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := ExecWord(s)
		if strings.IndexByte(s, 0) >= 0 {
			if err == nil {
				t.Fatal("NUL accepted")
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if strings.ContainsAny(w, "\n\r\x00") || checkText([]byte(w)) != nil {
			t.Fatalf("quoted %q is not one clean line: %q", s, w)
		}
		got, err := SplitExec("/bin/x "+w, nil)
		if err != nil || len(got) != 2 || got[1] != s {
			t.Fatalf("ExecWord(%q) = %s reads back as %q, %v", s, w, got, err)
		}
	})
}

// FuzzParseRoundTrip: whatever Parse accepts, Bytes writes so that Parse
// reads the same sections, keys and values: a passed-through value cannot
// add a directive or a section.
func FuzzParseRoundTrip(f *testing.F) {
	for _, s := range []string{"[Unit]\nA=b\n", "[U]\nA=b\\\nc\n", "[U]\nA=x\\\\\n[S]\nB=\\\n# c\n d\n", "[U]\nA=[S]\n", "[U]\nK=v=w\n\n;c\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := Parse("f", data)
		if err != nil {
			return
		}
		out := Bytes([]string{"header"}, a)
		b, err := Parse("f", out)
		if err != nil {
			t.Fatalf("output does not parse: %v\n%s", err, out)
		}
		if !sameFile(a, b) {
			t.Fatalf("round trip changed the file:\n%q\n%q", Bytes(nil, a), Bytes(nil, b))
		}
	})
}

func sameFile(a, b *File) bool {
	if len(a.Sections) != len(b.Sections) {
		return false
	}
	for i, s := range a.Sections {
		t := b.Sections[i]
		if s.Name != t.Name || len(s.Entries) != len(t.Entries) {
			return false
		}
		for j, e := range s.Entries {
			if e.Key != t.Entries[j].Key || e.Value != t.Entries[j].Value {
				return false
			}
		}
	}
	return true
}

func TestLoneSemicolonIsEscaped(t *testing.T) {
	w, err := ExecWord(";")
	if err != nil || w != `\;` {
		t.Fatalf(`ExecWord(";") = %q, %v; want \; (a quoted ";" is still a command separator to systemd)`, w, err)
	}
	got, err := SplitExec(`/bin/find . -exec rm {} \;`, nil)
	if err != nil || len(got) != 6 || got[5] != ";" {
		t.Fatalf("SplitExec of an escaped semicolon: %q, %v", got, err)
	}
	for _, sep := range []string{`/bin/a ; /bin/b`, `/bin/a ";" /bin/b`} {
		if _, err := SplitExec(sep, nil); err == nil {
			t.Errorf("SplitExec(%q) did not see the command separator", sep)
		}
	}
}

func TestValueArgsKeepSpecifiers(t *testing.T) {
	line, err := ExecLine(append(Literal("/bin/x", "100%", "$HOME"), Value("%h/data:/data", "100%%", "${X}", "a b", ";")...))
	if err != nil {
		t.Fatal(err)
	}
	want := `/bin/x 100%% $$HOME %h/data:/data 100%% "${X}" "a b" \;`
	if line != want {
		t.Fatalf("ExecLine = %s\nwant      %s", line, want)
	}
	raw, err := SplitExecRaw(line)
	if err != nil || !reflect.DeepEqual(raw, []string{"/bin/x", "100%%", "$$HOME", "%h/data:/data", "100%%", "${X}", "a b", ";"}) {
		t.Fatalf("SplitExecRaw = %q, %v", raw, err)
	}
}

func TestCheckSpecifiers(t *testing.T) {
	// systemd 252's specifier_printf: an unknown letter or digit after a %
	// fails the setting; any other character is copied with the %, and so
	// is a % that ends the string.
	for _, ok := range []string{"", "%h/data", "100%%", "web-%i", "%N%n%%", "100%", "50% off", "A=50% off", "%%%",
		"a%.b", "%%%/", "%-", "100%\t", "%h%", "x%\xc3\xa9"} {
		if err := CheckSpecifiers(ok); err != nil {
			t.Errorf("CheckSpecifiers(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"%z", "a%0b", "%%%x", "50%xoff", "%R", "%9"} {
		if err := CheckSpecifiers(bad); err == nil {
			t.Errorf("CheckSpecifiers(%q): no error", bad)
		}
	}
	for s, want := range map[string]bool{"a": false, "%%": false, "$$x": false, "%i": true, "a${X}": true, "x$": false} {
		if HasExpansion(s) != want {
			t.Errorf("HasExpansion(%q) = %v", s, !want)
		}
	}
}

func TestUnquote(t *testing.T) {
	for in, want := range map[string]string{`"localhost/img"`: "localhost/img", `'a b'`: "a b", `plain`: "plain",
		`"a" "b"`: `"a" "b"`, `"open`: `"open`, `a"b"`: `a"b"`} {
		if got := Unquote(in); got != want {
			t.Errorf("Unquote(%s) = %q, want %q", in, got, want)
		}
	}
}

func TestRelaxedWarnings(t *testing.T) {
	w, warns, err := SplitWordsRelaxed(`echo "\." \q ok`)
	if err != nil || !reflect.DeepEqual(w, []string{"echo", `\.`, `\q`, "ok"}) || len(warns) != 2 {
		t.Fatalf("SplitWordsRelaxed = %q, %q, %v", w, warns, err)
	}
	f, err := Parse("f", []byte("[U]\nA=x\\  \n  y\n"))
	if err != nil || len(f.Warnings) != 1 || f.Warnings[0].Line != 2 {
		t.Fatalf("Parse: %v, warnings %v", err, f.Warnings)
	}
	if e, _ := f.Section("U").Lookup("A"); e.Value != "x   y" {
		t.Errorf("continued value %q", e.Value)
	}
}

func TestUnitName(t *testing.T) {
	for _, ok := range []string{"db.service", "a-b_c:d.target", "getty@tty1.service", "x@.service", `dev-disk-by\x2dlabel.device`} {
		if err := UnitName(ok); err != nil {
			t.Errorf("UnitName(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", "x.service\n[Service]\nExecStartPre=/bin/touch /P", "a b.service", "%n.service",
		"db", "db.nope", ".service", "@x.service", "a@b@c.service", `"q".service`, `\.service`, `a\x2.service`, `a\xzz.service`, strings.Repeat("a", 248) + ".service"} {
		if err := UnitName(bad); err == nil {
			t.Errorf("UnitName(%q) accepted", bad)
		}
	}
}

func TestLimits(t *testing.T) {
	if _, err := ExecWord(strings.Repeat("a", MaxArg)); err != nil {
		t.Errorf("an argument of MaxArg bytes: %v", err)
	}
	if _, err := ExecWord(strings.Repeat("a", MaxArg+1)); err == nil {
		t.Error("an argument over MaxArg was quoted")
	}
	f := &File{}
	f.Add("Service", "Environment", strings.Repeat("v", MaxLine-len("Environment=\n")))
	if err := CheckLines(f); err != nil {
		t.Errorf("a line of exactly MaxLine: %v", err)
	}
	f.Add("Service", "ExecStart", strings.Repeat("v", MaxLine))
	if err := CheckLines(f); err == nil || !strings.Contains(err.Error(), "ExecStart=") {
		t.Errorf("a line over MaxLine: %v", err)
	}
}
