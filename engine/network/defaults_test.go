package network

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// confSeeds are containers.conf-like inputs: comments beside settings, in
// arrays, after values, in and around multi-line strings.
var confSeeds = []string{
	"# a comment\n[network]\n  # indented\ndefault_network = \"lan\"\n",
	"[network]\ndefault_subnet_pools = [\n  # the first\n  {base = \"10.1.0.0/16\", size = 24},\n]\n",
	"[engine]\nenv = [\"A=1\"] # after a value\n#[engine]\n#env = [\"B=2\"]\n",
	"[containers]\nnetns = \"\"\"\n# not a comment\nhost\"\"\"\n",
	"[containers]\nnetns = '''\n# kept\n'''\n",
	"[network]\n# x\ndefault_network = \"a\"\ndefault_network = \"b\"\n",
	"\r\n# crlf\r\n[containers]\r\nnetns = \"host\"\r\n",
	"# no newline at the end",
	"[network\n# a broken table on line 1\n",
}

// TestBlankCommentsKeepsMeaningAndLines: what containers.conf sets, and the
// line a broken file is faulted at, are the same with its comment lines
// emptied; multi-line strings are left alone.
func TestBlankCommentsKeepsMeaningAndLines(t *testing.T) {
	for _, in := range confSeeds {
		checkBlanked(t, []byte(in))
	}
	if got := string(blankComments([]byte("# a\n  #b\nx = 1 # c\n#"))); got != "\n\nx = 1 # c\n" {
		t.Errorf("blankComments = %q", got)
	}
	// the file Debian's containers-common ships: 24 KB, mostly comments
	if data, err := os.ReadFile("/usr/share/containers/containers.conf"); err == nil {
		checkBlanked(t, data)
		if out := blankComments(data); len(out) > len(data)/4 {
			t.Errorf("the vendor file shrank only from %d to %d bytes", len(data), len(out))
		}
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "containers.conf")
	if err := os.WriteFile(bad, []byte("# one\n# two\n[network]\ndefault_network = lan\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadDefaults([]string{bad}); err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "line 4") {
		t.Errorf("ReadDefaults of a bad line 4: %v", err)
	}
}

// checkBlanked compares the TOML documents data and its blanked form make,
// not the settings podunit takes from them: two keys that differ only in
// case (default_network, Default_Network) fill one setting in the order of
// a map, different from one decoding to the next.
func checkBlanked(t *testing.T, data []byte) {
	t.Helper()
	var orig, blanked map[string]any
	errOrig := toml.Unmarshal(data, &orig)
	errBlanked := toml.Unmarshal(blankComments(data), &blanked)
	switch {
	case errOrig == nil && errBlanked != nil:
		t.Errorf("%q: parses, but not blanked: %v", data, errBlanked)
	case errOrig == nil && !reflect.DeepEqual(withoutNaN(orig), withoutNaN(blanked)):
		t.Errorf("%q: %+v, blanked %+v", data, orig, blanked)
	case errBlanked != nil && errOrig == nil:
		t.Errorf("%q: blanked fails alone: %v", data, errBlanked)
	case errBlanked != nil && !commentLine(data, lineOf(errOrig)) && lineOf(errOrig) != lineOf(errBlanked):
		// a comment that is itself bad TOML (a control character, bad
		// UTF-8) may be forgiven once blanked; a fault elsewhere keeps its line
		t.Errorf("%q: fault at %q, blanked at %q", data, errOrig, errBlanked)
	}
}

// withoutNaN is v with each NaN float replaced by a marker: NaN is never
// equal to itself, so reflect.DeepEqual would call "a = nan" changed.
func withoutNaN(v any) any {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) {
			return "NaN float"
		}
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = withoutNaN(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = withoutNaN(e)
		}
		return out
	}
	return v
}

// commentLine reports whether line n (from 1) of data holds only a comment.
func commentLine(data []byte, n int) bool {
	lines := strings.Split(string(data), "\n")
	if n < 1 || n > len(lines) {
		return false
	}
	l := strings.TrimLeft(lines[n-1], " \t")
	return strings.HasPrefix(l, "#")
}

func lineOf(err error) int {
	var pe toml.ParseError
	if err == nil {
		return 0
	}
	if ok := asParseError(err, &pe); ok {
		return pe.Position.Line
	}
	return -1
}

func asParseError(err error, pe *toml.ParseError) bool {
	p, ok := err.(toml.ParseError)
	if ok {
		*pe = p
	}
	return ok
}

func FuzzBlankComments(f *testing.F) {
	for _, s := range confSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkBlanked(t, data) })
}
