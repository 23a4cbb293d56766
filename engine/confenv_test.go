package engine

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
)

// TestEngineEnv: [engine] env of the last file that sets it wins (a
// module after the files), files without it or missing are skipped, and a
// malformed file or an entry without "=" is an invalid argument naming
// the file.
func TestEngineEnv(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	base := write("base.conf", "[engine]\nenv = [\"A=1\", \"B=x=y\"]\n")
	other := write("other.conf", "[containers]\nnetns = \"host\"\n")
	module := write("module.conf", "[engine]\nenv = [\"C=3\"]\n")
	missing := filepath.Join(dir, "missing.conf")
	for _, c := range []struct {
		files []string
		want  []string
	}{
		{[]string{base, other, missing}, []string{"A=1", "B=x=y"}},
		{[]string{base, module, other}, []string{"C=3"}},
		{[]string{other, missing}, nil},
	} {
		if got, err := EngineEnv(c.files); err != nil || !slices.Equal(got, c.want) {
			t.Errorf("EngineEnv(%q) = %q, %v; want %q", c.files, got, err, c.want)
		}
	}
	for _, bad := range []string{write("broken.conf", "[engine\nenv = 1\n"), write("noeq.conf", "[engine]\nenv = [\"JUSTNAME\"]\n")} {
		_, err := EngineEnv([]string{base, bad})
		if !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), bad) {
			t.Errorf("EngineEnv with %s: %v, want an invalid argument naming the file", bad, err)
		}
	}
}
