package generator

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/podunit/podunit/generator/unitfile"
)

// TestManPageDescribesStopKeys: podunit-systemd.unit(5) lists the
// [Service] keys the generator sets for a container, exactly those it
// refuses in a source (the page once said it wrote no ExecStop=, while it
// writes one), and says TimeoutStopSec= is StopTimeout= plus the margin.
func TestManPageDescribesStopKeys(t *testing.T) {
	man, err := os.ReadFile("../docs/man/podunit-systemd.unit.5.md")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	src := "[Container]\nImage=img\nStopTimeout=5\n"
	if err := os.WriteFile(filepath.Join(dir, "web.container"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Generate(Config{Dirs: []string{dir}, Binary: DefaultBinary})
	if err != nil || len(res.Units) != 1 {
		t.Fatalf("%v, %d units, errors %v", err, len(res.Units), res.Errors)
	}
	unit, err := unitfile.Parse("web.service", res.Units[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	svc := unit.Section("Service")
	sets := regexp.MustCompile(`(?s)The generator sets some \*\*\[Service\]\*\* keys itself: (.*?) for a container`).FindSubmatch(man)
	if sets == nil {
		t.Fatal("the man page no longer lists the keys the generator sets")
	}
	listed := map[string]bool{}
	for _, key := range regexp.MustCompile(`\*\*(\w+)=\*\*`).FindAllSubmatch(sets[1], -1) {
		listed[string(key[1])] = true
		if _, ok := svc.Lookup(string(key[1])); !ok {
			t.Errorf("the man page says the generator sets %s= in a container's unit; it does not:\n%s", key[1], res.Units[0].Data)
		}
	}
	for _, e := range svc.Entries {
		if !listed[e.Key] && refusesServiceKey(t, e.Key) {
			t.Errorf("the generator sets %s= itself (a source may not), the man page does not list it", e.Key)
		}
	}
	if strings.Contains(string(man), "writes none") {
		t.Error("the man page still says the generator writes no ExecStop=")
	}
	e, ok := svc.Lookup("TimeoutStopSec")
	if !ok {
		t.Fatalf("no TimeoutStopSec=:\n%s", res.Units[0].Data)
	}
	n, _ := strconv.Atoi(e.Value)
	want := "**TimeoutStopSec=** *seconds* + " + strconv.Itoa(n-5)
	if n == 5 {
		want = "**TimeoutStopSec=** *seconds*"
	}
	if flat := strings.Join(strings.Fields(string(man)), " "); !strings.Contains(flat, want+" ") {
		t.Errorf("StopTimeout=5 gives TimeoutStopSec=%d; the man page does not say %q", n, want)
	}
}

// refusesServiceKey reports whether a .container source may not set key
// in [Service] because the generator sets it.
func refusesServiceKey(t *testing.T, key string) bool {
	t.Helper()
	dir := t.TempDir()
	src := "[Container]\nImage=img\n[Service]\n" + key + "=x\n"
	if err := os.WriteFile(filepath.Join(dir, "k.container"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Generate(Config{Dirs: []string{dir}, Binary: DefaultBinary})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Errors {
		if strings.Contains(e.Error(), "is set by podunit-generator") {
			return true
		}
	}
	return false
}
