package rootless

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
)

func TestParseRangesByNameAndID(t *testing.T) {
	in := "# comment\nalice:100000:65536\n\nbob:165536:65536\n1001:300000:10\nalice:400000:5\n"
	got, err := parseRanges(strings.NewReader(in), "subuid", "alice", 1001)
	if err != nil {
		t.Fatal(err)
	}
	want := []Range{{100000, 65536}, {300000, 10}, {400000, 5}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if got, _ := parseRanges(strings.NewReader(in), "subuid", "carol", 7); len(got) != 0 {
		t.Fatalf("carol has no ranges, got %v", got)
	}
}

func TestParseRangesRejectsBadLines(t *testing.T) {
	for _, line := range []string{"alice:1", "alice:x:5", "alice:1:0", "alice:4294967290:10", "a:b:c:d"} {
		_, err := parseRanges(strings.NewReader("ok:1:1\n"+line+"\n"), "/etc/subuid", "alice", 1)
		if !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), "/etc/subuid:2:") {
			t.Errorf("%q: want an invalid-argument error naming /etc/subuid:2, got %v", line, err)
		}
	}
}

func TestMapsPutTheUserAtZeroAndRangesAfter(t *testing.T) {
	got := Maps(1001, []Range{{100000, 65536}, {300000, 10}})
	want := []IDMap{{0, 1001, 1}, {1, 100000, 65536}, {65537, 300000, 10}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	args := strings.Join(mapArgs(got), " ")
	if args != "0 1001 1 1 100000 65536 65537 300000 10" {
		t.Fatalf("newuidmap args %q", args)
	}
}

func fakeHost(t *testing.T, subuid, subgid string, have ...string) Host {
	dir := t.TempDir()
	h := Host{SubUIDFile: filepath.Join(dir, "subuid"), SubGIDFile: filepath.Join(dir, "subgid")}
	for path, data := range map[string]string{h.SubUIDFile: subuid, h.SubGIDFile: subgid} {
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h.LookPath = func(name string) (string, error) {
		for _, n := range have {
			if n == name {
				return "/usr/bin/" + name, nil
			}
		}
		return "", exec.ErrNotFound
	}
	return h
}

func TestPrepare(t *testing.T) {
	const uid = 4242 // no such user: found by its number
	h := fakeHost(t, "4242:100000:65536\n", "4242:200000:65536\n", "newuidmap", "newgidmap")
	p, err := Prepare(h, uid, 4343)
	if err != nil {
		t.Fatal(err)
	}
	if p.User != "4242" || p.NewUIDMap != "/usr/bin/newuidmap" || p.NewGIDMap != "/usr/bin/newgidmap" {
		t.Fatalf("plan %+v", p)
	}
	if want := (IDMap{1, 200000, 65536}); p.GIDMap[0].HostID != 4343 || p.GIDMap[1] != want {
		t.Fatalf("gid map %v", p.GIDMap)
	}
}

func TestPrepareSaysWhatIsMissing(t *testing.T) {
	cases := []struct {
		name           string
		subuid, subgid string
		have           []string
		want           string
	}{
		{"no subuid", "other:1:5\n", "4242:1:5\n", []string{"newuidmap", "newgidmap"}, "no subordinate UID range for user \"4242\""},
		{"no subgid", "4242:1:5\n", "", []string{"newuidmap", "newgidmap"}, "no subordinate GID range"},
		{"no newuidmap", "4242:1:5\n", "4242:1:5\n", []string{"newgidmap"}, "newuidmap not found"},
		{"no newgidmap", "4242:1:5\n", "4242:1:5\n", []string{"newuidmap"}, "newgidmap not found"},
	}
	for _, c := range cases {
		_, err := Prepare(fakeHost(t, c.subuid, c.subgid, c.have...), 4242, 4242)
		if !errdefs.IsUnavailable(err) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: want unavailable %q, got %v", c.name, c.want, err)
		}
	}
	_, err := Prepare(fakeHost(t, "4242:1:5\n", "4242:1:5\n"), 4242, 4242)
	if !strings.Contains(err.Error(), "apt-get install uidmap") {
		t.Errorf("the helpers' error names no package: %v", err)
	}
}

func TestUserManager(t *testing.T) {
	err := UserManager("run -d", "", 1001)
	if !errdefs.IsUnavailable(err) || !strings.Contains(err.Error(), "$XDG_RUNTIME_DIR is not set") {
		t.Errorf("no runtime dir: %v", err)
	}
	dir := t.TempDir()
	err = UserManager("run -d", dir, 1001)
	if !errdefs.IsUnavailable(err) || !strings.Contains(err.Error(), "none runs for uid 1001") {
		t.Errorf("no manager: %v", err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "systemd"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "systemd", "private"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := UserManager("run -d", dir, 1001); err != nil {
		t.Errorf("a manager runs: %v", err)
	}
}

func TestAwaitMapsOutsideAChildReturnsAtOnce(t *testing.T) {
	t.Setenv(envWait, "")
	if _, err := AwaitMaps(); err != nil {
		t.Fatal(err)
	}
}

func TestAwaitMapsFailsWhenTheParentGoes(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Setenv(envWait, strconv.Itoa(int(r.Fd())))
	if _, err := AwaitMaps(); err == nil || !strings.Contains(err.Error(), "did not map") {
		t.Fatalf("want the parent's absence reported, got %v", err)
	}
	if os.Getenv(envWait) != "" {
		t.Fatal("the marker stays in the environment for what podunit runs next")
	}
}
