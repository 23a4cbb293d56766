package quadlet

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podunit/podunit/generator/unitfile"
)

// TestEveryKeyHasAGolden: each key podunit translates, in each file type,
// is set by some source of the golden cases (generator/testdata/golden),
// so its translation is pinned by a golden unit.
func TestEveryKeyHasAGolden(t *testing.T) {
	seen := map[Kind]map[string]bool{}
	err := filepath.WalkDir("../testdata/golden", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		kind, ok := KindOf(filepath.Base(path))
		if !ok {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f, err := unitfile.Parse(path, data)
		if err != nil || f.Section(kind.Section()) == nil {
			return nil // a case may hold a file the generator refuses
		}
		if seen[kind] == nil {
			seen[kind] = map[string]bool{}
		}
		for _, e := range f.Section(kind.Section()).Entries {
			seen[kind][e.Key] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range Kinds {
		var missing []string
		for _, k := range supportedKeys(kind) {
			if !seen[kind][k] {
				missing = append(missing, k)
			}
		}
		if len(missing) > 0 {
			t.Errorf("[%s] keys no golden case sets: %s", kind.Section(), strings.Join(missing, " "))
		}
	}
}
