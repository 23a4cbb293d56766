package console

import (
	"bytes"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
)

func TestParseDetachKeys(t *testing.T) {
	for in, want := range map[string][]byte{
		"ctrl-p,ctrl-q":  {16, 17},
		"ctrl-a":         {1},
		"CTRL-Z,x":       {26, 'x'},
		"ctrl-@,ctrl-[":  {0, 27},
		"ctrl-_,ctrl-\\": {31, 28},
		"":               nil,
	} {
		got, err := ParseDetachKeys(in)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("ParseDetachKeys(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"ctrl-", "ctrl-1", "ab", "ctrl-p,", ",", "alt-x"} {
		if _, err := ParseDetachKeys(bad); !errdefs.IsInvalidArgument(err) {
			t.Errorf("ParseDetachKeys(%q): %v, want an invalid-argument error", bad, err)
		}
	}
}

func TestDetacher(t *testing.T) {
	type step struct {
		in, pass string
		detach   bool
	}
	for name, steps := range map[string][]step{
		"plain":              {{"hello", "hello", false}},
		"sequence":           {{"ab\x10\x11cd", "ab", true}},
		"split across reads": {{"ab\x10", "ab", false}, {"\x11", "", true}},
		"broken sequence":    {{"\x10x", "\x10x", false}},
		"broken then whole":  {{"\x10\x10", "\x10", false}, {"\x11", "", true}},
		"held then broken":   {{"\x10", "", false}, {"y", "\x10y", false}},
	} {
		d := &detacher{seq: []byte{16, 17}}
		for i, s := range steps {
			pass, detach := d.feed([]byte(s.in))
			if string(pass) != s.pass || detach != s.detach {
				t.Errorf("%s, step %d: feed(%q) = %q, %v; want %q, %v", name, i, s.in, pass, detach, s.pass, s.detach)
			}
		}
	}
	d := &detacher{}
	if pass, detach := d.feed([]byte("\x10\x11")); string(pass) != "\x10\x11" || detach {
		t.Errorf("without detach keys: %q, %v", pass, detach)
	}
}
