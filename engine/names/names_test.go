package names

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
)

func TestValidate(t *testing.T) {
	good := []string{"web", "a", "Web_1.x-y", "0db", strings.Repeat("a", 237)}
	bad := []string{"", "-web", ".web", "_web", "a/b", "a\nb", "a b", "a:b", "ä", "a%b",
		strings.Repeat("a", 238), strings.Repeat("a", MaxNameLen+1), "web\x00"}
	for _, n := range good {
		if err := Validate("container", n); err != nil {
			t.Errorf("Validate(%q) = %v, want nil", n, err)
		}
	}
	for _, n := range bad {
		err := Validate("container", n)
		if !errdefs.IsInvalidArgument(err) {
			t.Errorf("Validate(%q) = %v, want invalid argument", n, err)
		}
		if err != nil && !strings.Contains(err.Error(), "container name") {
			t.Errorf("Validate(%q) error %q does not name the kind", n, err)
		}
	}
}

// TestValidateKeepsUnitNamesWithinSystemd: a container or pod name is
// refused when a unit podunit writes for it (container-NAME.service,
// pod-NAME.service) would pass systemd's 255 bytes; names of objects
// without units may be longer.
func TestValidateKeepsUnitNamesWithinSystemd(t *testing.T) {
	cases := []struct {
		kind    string
		longest int
	}{{"container", 255 - len("container-.service")}, {"pod", 255 - len("pod-.service")}, {"volume", MaxNameLen}, {"network", MaxNameLen}}
	for _, c := range cases {
		if err := Validate(c.kind, strings.Repeat("n", c.longest)); err != nil {
			t.Errorf("%s name of %d: %v", c.kind, c.longest, err)
		}
		err := Validate(c.kind, strings.Repeat("n", c.longest+1))
		if !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), strconv.Itoa(c.longest+1)) {
			t.Errorf("%s name of %d: %v", c.kind, c.longest+1, err)
		}
	}
}

func TestNewIDIsUniqueHexAndNotNumeric(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		id := NewID()
		if !IsID(id) {
			t.Fatalf("NewID() = %q, not 64 hex digits", id)
		}
		if seen[id] {
			t.Fatalf("NewID() repeated %q", id)
		}
		seen[id] = true
		if strings.Trim(ShortID(id), "0123456789") == "" {
			t.Fatalf("short ID %q is all digits", ShortID(id))
		}
	}
}

func TestContainerUnit(t *testing.T) {
	id := NewID()
	if got := ContainerUnit("web", id); got != "podunit-web.service" {
		t.Errorf("ContainerUnit(web) = %q", got)
	}
	long := strings.Repeat("a", MaxNameLen)
	if got := ContainerUnit(long, id); got != "podunit-"+id+".service" {
		t.Errorf("ContainerUnit(253 chars) = %q, want ID fallback", got)
	}
	if got := ContainerUnit("a\n[Service]", id); strings.ContainsAny(got, "\n[") {
		t.Errorf("ContainerUnit let an invalid name through: %q", got)
	}
}

func TestPodUnitAndSlice(t *testing.T) {
	id := NewID()
	if got := PodUnit("web", id); got != "web-pod.service" {
		t.Errorf("PodUnit = %q", got)
	}
	if got := PodSlice("my-pod", id); got != `podunit-my\x2dpod.slice` {
		t.Errorf("PodSlice = %q", got)
	}
	if got := SliceCgroup(PodSlice("my-pod", id), "podunit-a.service"); got != `/podunit.slice/podunit-my\x2dpod.slice/podunit-a.service` {
		t.Errorf("SliceCgroup = %q", got)
	}
	if got := PodUnit(strings.Repeat("p", MaxNameLen), id); got != "podunit-pod-"+id+".service" {
		t.Errorf("PodUnit(long) = %q", got)
	}
}

// The grammars are loops (a regular expression compiled at every command's
// start costs more than all its uses); these are the expressions they keep.
var (
	nameRE   = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`)
	idRE     = regexp.MustCompile(`^[0-9a-f]{64}$`)
	logTagRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)
)

func checkGrammars(t *testing.T, s string) {
	if got, want := ValidName(s), nameRE.MatchString(s); got != want {
		t.Errorf("ValidName(%q) = %t, want %t", s, got, want)
	}
	if got, want := IsID(s), idRE.MatchString(s); got != want {
		t.Errorf("IsID(%q) = %t, want %t", s, got, want)
	}
	if got, want := ValidLogTag(s), logTagRE.MatchString(s); got != want {
		t.Errorf("ValidLogTag(%q) = %t, want %t", s, got, want)
	}
}

var grammarSeeds = []string{"", "a", "A9", "_a", "a_", "-", "a.b-c_d", "a b", "é", "a\n", strings.Repeat("a", 64),
	strings.Repeat("a", 65), strings.Repeat("0f", 32), strings.Repeat("0F", 32), strings.Repeat("0f", 32) + "0", "0.", "x/y"}

func TestGrammars(t *testing.T) {
	for _, s := range grammarSeeds {
		checkGrammars(t, s)
	}
}

func FuzzGrammars(f *testing.F) {
	for _, s := range grammarSeeds {
		f.Add(s)
	}
	f.Fuzz(checkGrammars)
}
