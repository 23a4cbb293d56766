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
	dropin := "multi-user.target.d/" + DropinName
	first := &Result{Units: []Output{{Name: "a.service", Data: []byte("one\n")}},
		Dropins: []Output{{Name: dropin, Data: []byte("[Unit]\nWants=a.service\n")}},
		Links:   []quadlet.Link{{Path: "b.service", Target: "a.service"}}}
	second := &Result{Units: []Output{{Name: "a.service", Data: []byte("two\n")}},
		Dropins: []Output{{Name: dropin, Data: []byte("[Unit]\nWants=c.service\n")}},
		Links:   []quadlet.Link{{Path: "b.service", Target: "c.service"}}}
	for i, r := range []*Result{first, second} {
		if err := r.Write(dir); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "a.service")); string(b) != "two\n" {
		t.Errorf("a.service = %q after the second write", b)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, dropin)); string(b) != "[Unit]\nWants=c.service\n" {
		t.Errorf("%s = %q after the second write", dropin, b)
	}
	if target, err := os.Readlink(filepath.Join(dir, "b.service")); err != nil || target != "c.service" {
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

// writtenAsPrinted renders an output directory in Print's format: units,
// then drop-ins (the files in directories), then symlinks.
func writtenAsPrinted(t *testing.T, dir string) string {
	var units, dropins, links strings.Builder
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
		w := &units
		if strings.Contains(rel, "/") {
			w = &dropins
		}
		fmt.Fprintf(w, "---%s---\n%s\n", rel, data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return units.String() + dropins.String() + links.String()
}

// TestInstallDropins: what the [Install] sections ask of one target lands
// in that target's one drop-in, each dependency once, even where a
// template's DefaultInstance= and an instance's own file name the same
// unit (as symlinks they would have pointed at two files).
func TestInstallDropins(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"web@.container":     "[Container]\nImage=quay.io/a/b\n[Install]\nWantedBy=multi-user.target multi-user.target\nRequiredBy=a.target\nDefaultInstance=main\n",
		"web@main.container": "[Container]\nImage=quay.io/a/b\n[Install]\nWantedBy=multi-user.target\nAlias=main.service\n",
		"db.container":       "[Container]\nImage=quay.io/a/b\n[Install]\nUpheldBy=multi-user.target\nWantedBy=\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := Generate(Config{Binary: DefaultBinary, Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) > 0 {
		t.Fatalf("errors: %v", res.Errors)
	}
	got := map[string]string{}
	for _, d := range res.Dropins {
		got[d.Name] = string(d.Data)
	}
	head := "# " + dropinHeader[0] + "\n\n[Unit]\n"
	want := map[string]string{
		"a.target.d/" + DropinName:          head + "Requires=web@main.service\n",
		"multi-user.target.d/" + DropinName: head + "Upholds=db.service\nWants=web@main.service\n",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("drop-ins:\n%v\nwant\n%v", got, want)
	}
	if fmt.Sprint(res.Links) != fmt.Sprint([]quadlet.Link{{Path: "main.service", Target: "web@main.service"}}) {
		t.Errorf("links: %v", res.Links)
	}
}

// TestScannedCountsTheSources: Config.Scanned learns, once, how many source
// files the search path holds (not drop-ins or other files), before the
// translation; the units are the same with it.
func TestScannedCountsTheSources(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{
		"a.container":          "[Container]\nImage=nginx\n",
		"b.pod":                "[Pod]\n",
		"c.volume":             "[Volume]\n",
		"a.container.d/x.conf": "[Container]\nLabel=x=1\n",
		"README":               "not a source\n",
	} {
		path := filepath.Join(dir, name)
		_ = os.Mkdir(filepath.Dir(path), 0o755)
		write(t, path, []byte(data))
	}
	var calls []int
	res, err := Generate(Config{Dirs: []string{dir}, Binary: DefaultBinary, Scanned: func(n int) { calls = append(calls, n) }})
	if err != nil || len(res.Errors) > 0 {
		t.Fatal(err, res.Errors)
	}
	if fmt.Sprint(calls) != "[3]" {
		t.Errorf("Scanned was called with %v, want [3]", calls)
	}
	if len(res.Units) != 3 {
		t.Errorf("%d units, want 3: %v", len(res.Units), res.Units)
	}
}
