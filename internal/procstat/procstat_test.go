package procstat

import (
	"os"
	"testing"
)

func TestParse(t *testing.T) {
	s, err := Parse("42 (a b) c)) Z 1 42 42 0 -1\n")
	if err != nil || s.Comm != "a b) c)" || s.Fields[0] != "Z" || s.Live() || s.Fields[4-3] != "1" {
		t.Fatalf("Parse: %+v, %v", s, err)
	}
	for _, bad := range []string{"", "42 (x", "42 x) S", "42 (x)"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) took it", bad)
		}
	}
}

func TestReadSelf(t *testing.T) {
	s, err := Read(os.Getpid())
	if err != nil || !s.Live() || s.Comm == "" {
		t.Fatalf("Read(self): %+v, %v", s, err)
	}
}
