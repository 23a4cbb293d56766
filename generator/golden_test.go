package generator

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// caseConfig makes a test case's directory the search path: its rootN
// subdirectories in order when it has them, else the directory itself;
// user and group names come from testdata/etc.
func caseConfig(t testing.TB, dir string) Config {
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	// testdata/etc's passwd and group, not the host's, name [Volume] User=/Group=
	cfg := Config{Binary: DefaultBinary, EtcDir: "testdata/etc"}
	roots, _ := filepath.Glob(filepath.Join(abs, "root*"))
	if len(roots) == 0 {
		roots = []string{abs}
	}
	cfg.Dirs = roots
	return cfg
}

// render is a result as a golden file holds it: the dry-run output, then
// the errors, with the case's directory replaced by SRC.
func render(res *Result, dir string) []byte {
	var b bytes.Buffer
	_ = res.Print(&b)
	b.WriteString("=== errors ===\n")
	for _, e := range res.Errors {
		fmt.Fprintln(&b, e)
	}
	if len(res.Warnings) > 0 {
		b.WriteString("=== warnings ===\n")
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(&b, w)
	}
	abs, _ := filepath.Abs(dir)
	return bytes.ReplaceAll(b.Bytes(), []byte(abs), []byte("SRC"))
}

func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run with -update to accept):\n%s", path, diffLines(string(want), string(got)))
	}
}

// diffLines shows the first differing lines.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n  want %q\n  got  %q", i+1, wl, gl)
		}
	}
	return ""
}

func TestGolden(t *testing.T) {
	cases, err := filepath.Glob("testdata/golden/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range cases {
		st, err := os.Stat(dir)
		if err != nil || !st.IsDir() {
			continue
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			res, err := Generate(caseConfig(t, dir))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Errors) > 0 {
				t.Errorf("valid case has errors: %v", res.Errors)
			}
			got := render(res, dir)
			again, _ := Generate(caseConfig(t, dir))
			if !bytes.Equal(got, render(again, dir)) {
				t.Error("two runs over the same input differ")
			}
			checkGolden(t, dir+".golden", got)
		})
	}
}

func TestUserMode(t *testing.T) {
	cfg := caseConfig(t, "testdata/golden/pod")
	cfg.User = true
	res, err := Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range res.Units {
		if bytes.Contains(u.Data, []byte("network-online.target")) {
			t.Errorf("%s: a user unit cannot want network-online.target", u.Name)
		}
	}
}

func TestDefaultConfig(t *testing.T) {
	env := map[string]string{"XDG_RUNTIME_DIR": "/run/user/1000"}
	cfg := DefaultConfig(true, Env{Getenv: func(k string) string { return env[k] }, UID: 1000, Home: "/home/u"})
	want := "/run/user/1000/podunit/systemd:/home/u/.config/podunit/systemd:/etc/podunit/systemd/users/1000:" +
		"/etc/podunit/systemd/users"
	if got := strings.Join(cfg.Dirs, ":"); got != want {
		t.Errorf("user dirs = %s, want %s", got, want)
	}
	cfg = DefaultConfig(false, Env{Getenv: func(string) string { return "" }})
	if got := strings.Join(cfg.Dirs, ":"); got != "/run/podunit/systemd:/etc/podunit/systemd:/usr/share/podunit/systemd" {
		t.Errorf("system dirs = %s", got)
	}
	env = map[string]string{"PODUNIT_UNIT_DIRS": "/a:/b", "PODUNIT_BINARY": "/opt/podunit"}
	cfg = DefaultConfig(false, Env{Getenv: func(k string) string { return env[k] }})
	if strings.Join(cfg.Dirs, ":") != "/a:/b" || cfg.Binary != "/opt/podunit" {
		t.Errorf("env override: %+v", cfg)
	}
}

func TestDropinNames(t *testing.T) {
	got := strings.Join(dropinNames("foo-bar@x.container"), " ")
	want := "foo-bar@x.container.d foo-bar@.container.d foo-.container.d container.d"
	if got != want {
		t.Errorf("dropinNames = %s, want %s", got, want)
	}
	got = strings.Join(dropinNames("a-b-c.pod"), " ")
	if want = "a-b-c.pod.d a-b-.pod.d a-.pod.d pod.d"; got != want {
		t.Errorf("dropinNames = %s, want %s", got, want)
	}
}
