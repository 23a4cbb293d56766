package names

import (
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
