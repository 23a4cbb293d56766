package generator

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podunit/podunit/generator/quadlet"
)

// TestWriteReplacesWhatIsThere writes into a fresh directory and again over
// the first run's files and links (a daemon-reload reuses nothing, but a
// generator run by hand into one directory does): both must end right.
func TestWriteReplacesWhatIsThere(t *testing.T) {
	dir := t.TempDir()
	first := &Result{Units: []Output{{Name: "a.service", Data: []byte("one\n")}},
		Links: []quadlet.Link{{Path: "multi-user.target.wants/a.service", Target: "../a.service"}}}
	second := &Result{Units: []Output{{Name: "a.service", Data: []byte("two\n")}},
		Links: []quadlet.Link{{Path: "multi-user.target.wants/a.service", Target: "../b.service"}}}
	for i, r := range []*Result{first, second} {
		if err := r.Write(dir); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "a.service")); string(b) != "two\n" {
		t.Errorf("a.service = %q after the second write", b)
	}
	if target, err := os.Readlink(filepath.Join(dir, "multi-user.target.wants/a.service")); err != nil || target != "../b.service" {
		t.Errorf("link = %q, %v after the second write", target, err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, "*", ".*tmp*"))
	more, _ := filepath.Glob(filepath.Join(dir, ".*tmp*"))
	if len(leftovers)+len(more) > 0 {
		t.Errorf("temporary files left: %v %v", leftovers, more)
	}
}

// TestDryRunShowsWhatIsWritten: for every golden corpus, --dryrun's output
// holds exactly the files and links a real run writes, byte for byte.
func TestDryRunShowsWhatIsWritten(t *testing.T) {
	cases, _ := filepath.Glob("testdata/golden/*")
	for _, dir := range cases {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			continue
		}
		res, err := Generate(caseConfig(t, dir))
		if err != nil {
			t.Fatal(err)
		}
		var printed bytes.Buffer
		if err := res.Print(&printed); err != nil {
			t.Fatal(err)
		}
		out := t.TempDir()
		if err := res.Write(out); err != nil {
			t.Fatal(err)
		}
		if written := writtenAsPrinted(t, out); written != printed.String() {
			t.Errorf("%s: --dryrun shows\n%s\nbut the run wrote\n%s", dir, printed.String(), written)
		}
	}
}

// writtenAsPrinted renders an output directory in Print's format.
func writtenAsPrinted(t *testing.T, dir string) string {
	var units, links strings.Builder
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if d.Type()&fs.ModeSymlink != 0 {
			target, err := os.Readlink(path)
			fmt.Fprintf(&links, "---%s -> %s---\n", rel, target)
			return err
		}
		data, err := os.ReadFile(path)
		fmt.Fprintf(&units, "---%s---\n%s\n", rel, data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return units.String() + links.String()
}
