package e2e

import (
	"context"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/testimage"
)

// TestFilters runs the --filter forms Podman documents for ps, images,
// pod ps, volume ls and network ls against real records.
func TestFilters(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	e.image()
	archive := filepath.Join(e.dir, "lab.tar")
	if err := testimage.DockerArchive(archive, "localhost/lab:1", testimage.Config{Labels: map[string]string{"tier": "db"}}); err != nil {
		t.Fatal(err)
	}
	e.must("load", "-q", "-i", archive) // created at the epoch: older than bb
	e.must("volume", "create", "-l", "k=v", "used")
	e.must("volume", "create", "spare")
	e.must("pod", "create", "--name", "shop", "-l", "app=shop")
	e.must("create", "--name", "first", "-l", "app=x", "-v", "used:/data", "bb", "true")
	e.must("create", "--name", "member", "--pod", "shop", "lab:1", "true")
	if r := e.run("run", "--name", "three", "bb", "sh", "-c", "exit 3"); r.code != 3 {
		t.Fatalf("run exit 3: %d %s", r.code, r.err)
	}
	ps := func(t *testing.T, args ...string) []string {
		return lines(e.on(t).must(append([]string{"ps", "-a", "--format", "{{.Names}}"}, args...)...))
	}
	cases := map[string][]string{
		"name=^f":               {"first"},
		"label=app=x":           {"first"},
		"label!=app":            {"member", "three"},
		"status=created":        {"first", "member"},
		"exited=3":              {"three"},
		"ancestor=bb":           {"first", "three"},
		"ancestor=lab:1":        {"member"},
		"pod=shop":              {"member"},
		"volume=used":           {"first"},
		"volume=/data":          {"first"},
		"before=three":          {"first", "member"},
		"since=first":           {"member", "three"},
		"status=stopped":        {"three"},
		"network=none":          {"first", "member", "three"}, // the member has its pod's
		"restart-policy=no":     {"first", "member", "three"},
		"restart-policy=always": nil,
		"until=4102444800":      {"first", "member", "three"}, // 2100
		"until=1970-01-02":      nil,
	}
	for arg, want := range cases {
		t.Run("ps "+arg, func(t *testing.T) {
			if got := ps(t, "--filter", arg); !sameSet(got, want) {
				t.Errorf("ps --filter %s: %v, want %v", arg, got, want)
			}
		})
	}
	// without -a only the containers recorded running (none here: the store is asked
	// for those alone); a status filter lists every container it matches, -a or not
	if got := lines(e.must("ps", "--format", "{{.Names}}")); len(got) != 0 {
		t.Errorf("ps without -a: %v, want none running", got)
	}
	if got := lines(e.must("ps", "--format", "{{.Names}}", "--filter", "status=exited")); !sameSet(got, []string{"three"}) {
		t.Errorf("ps --filter status=exited without -a: %v, want three", got)
	}
	if got := ps(t, "--filter", "name=first", "--filter", "name=three"); !sameSet(got, []string{"first", "three"}) {
		t.Errorf("two name filters OR: %v", got)
	}
	if got := ps(t, "--filter", "name=first", "--filter", "status=exited"); len(got) != 0 {
		t.Errorf("name and status filters AND: %v", got)
	}
	checkOtherFilters(t, e)
}

func checkOtherFilters(t *testing.T, e *env) {
	list := func(args ...string) []string { return lines(e.on(t).must(args...)) }
	for arg, want := range map[string][]string{
		"reference=bb": {"localhost/bb"}, "reference=lab": {"localhost/lab"}, "reference=*/b*": {"localhost/bb"},
		"label=tier=db": {"localhost/lab"}, "dangling=true": nil, "before=bb": {"localhost/lab"}, "since=lab:1": {"localhost/bb"},
		"containers=true": {"localhost/bb", "localhost/lab"}, "containers=false": nil, "intermediate=false": {"localhost/bb", "localhost/lab"},
		"readonly=true": nil, "until=4102444800": {"localhost/bb", "localhost/lab"},
		"digest=" + strings.TrimSpace(e.must("image", "inspect", "--format", "{{.Digest}}", "lab:1")): {"localhost/lab"},
	} {
		if got := list("images", "--format", "{{.Repository}}", "--filter", arg); !sameSet(got, want) {
			t.Errorf("images --filter %s: %v, want %v", arg, got, want)
		}
	}
	e.must("pod", "create", "--name", "empty")
	for arg, want := range map[string][]string{
		"ctr-names=member": {"shop"}, "ctr-status=created": {"shop"}, "label=app=shop": {"shop"},
		"name=^em": {"empty"}, "ctr-number=0": {"empty"}, "until=4102444800": {"shop", "empty"}, "until=1970-01-02": nil,
	} {
		if got := list("pod", "ps", "--format", "{{.Name}}", "--filter", arg); !sameSet(got, want) {
			t.Errorf("pod ps --filter %s: %v, want %v", arg, got, want)
		}
	}
	for arg, want := range map[string][]string{
		"dangling=true": {"spare"}, "dangling=false": {"used"}, "label=k=v": {"used"}, "driver=local": {"spare", "used"}, "name=^sp": {"spare"},
		"scope=local": {"spare", "used"}, "until=4102444800": {"spare", "used"}, "until=1970-01-02": nil,
	} {
		if got := list("volume", "ls", "-q", "--filter", arg); !sameSet(got, want) {
			t.Errorf("volume ls --filter %s: %v, want %v", arg, got, want)
		}
	}
	e.must("network", "create", "-l", "zone=a", "neta")
	e.must("network", "create", "netb")
	id := strings.TrimSpace(e.must("network", "inspect", "--format", "{{.ID}}", "netb"))
	for arg, want := range map[string][]string{
		"label=zone=a": {"neta"}, "name=^net": {"neta", "netb"}, "id=" + id[:10]: {"netb"}, "driver=bridge": {"neta", "netb"},
		"until=1970-01-02": nil,
	} {
		if got := slices.DeleteFunc(list("network", "ls", "-q", "--filter", arg), func(s string) bool { return s == "podunit" }); !sameSet(got, want) {
			t.Errorf("network ls --filter %s: %v, want %v", arg, got, want)
		}
	}
	e.must("pod", "create", "--name", "netpod", "--network", "neta")
	if got := list("pod", "ps", "--format", "{{.Name}}", "--filter", "network=neta"); !sameSet(got, []string{"netpod"}) {
		t.Errorf("pod ps --filter network=neta: %v", got)
	}
	for arg, want := range map[string][]string{"dangling=true": {"netb"}, "dangling=false": {"neta"}} { // netpod uses neta
		if got := slices.DeleteFunc(list("network", "ls", "-q", "--filter", arg), func(s string) bool { return s == "podunit" }); !sameSet(got, want) {
			t.Errorf("network ls --filter %s: %v, want %v", arg, got, want)
		}
	}
	for _, bad := range [][]string{{"ps", "--filter", "restart-policy=sometimes"}, {"ps", "--filter", "colour=red"}, {"images", "--filter", "dangling=maybe"},
		{"pod", "ps", "--filter", "ctr-status=asleep"}, {"volume", "ls", "--filter", "name=("}, {"network", "ls", "--filter", "nope"}} {
		r := e.run(bad...)
		if r.code != 125 || !strings.HasPrefix(r.err, "Error: invalid filter") {
			t.Errorf("%v: exit %d, stderr %q", bad, r.code, r.err)
		}
	}
}

func lines(s string) []string { return strings.Fields(s) }

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// TestHealthFilterOnHost: containers run attached (no timer) are checked
// with `healthcheck run`; a passing check makes ps say (healthy), failing
// ones past the retries (unhealthy), and --filter health= picks each.
func TestHealthFilterOnHost(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	e.image()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for name, check := range map[string]string{"fine": "true", "sick": "false"} {
		run := e.command(ctx, "run", "--rm", "--name", name, "--health-cmd", check, "--health-retries", "2", "bb", "sleep", "600")
		if err := run.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() { e.run("rm", "-f", "-t", "0", name); _ = run.Wait() }()
		eventually(t, 20*time.Second, name+" running", func() bool {
			return e.run("inspect", "--format", "{{.State.Status}}", name).out == "running\n"
		})
	}
	e.must("healthcheck", "run", "fine")
	for i := 1; i <= 2; i++ { // each failed run exits 1, as Podman's
		if r := e.run("healthcheck", "run", "sick"); r.code != 1 || r.out != "unhealthy\n" {
			t.Fatalf("healthcheck run of a failing check: exit %d, %q %q", r.code, r.out, r.err)
		}
		if got := e.field("sick", "{{.State.Health.Status}}"); i == 1 && got == "unhealthy" {
			t.Errorf("unhealthy after one failure of two retries")
		}
	}
	if got := e.field("sick", "{{.State.Health.Status}} {{.State.Health.FailingStreak}}"); got != "unhealthy 2" {
		t.Errorf("after 2 failed checks with 2 retries: %q, want unhealthy 2", got)
	}
	e.must("create", "--name", "idle", "bb", "true")
	if got := lines(e.must("ps", "--format", "{{.Names}}")); !sameSet(got, []string{"fine", "sick"}) {
		t.Errorf("ps without -a: %v, want the two running (not the created idle)", got)
	}
	status := e.must("ps", "--format", "{{.Names}} {{.Status}}")
	if !regexp.MustCompile(`(?m)^fine Up .*\(healthy\)$`).MatchString(status) || !regexp.MustCompile(`(?m)^sick Up .*\(unhealthy\)$`).MatchString(status) {
		t.Errorf("ps STATUS:\n%s", status)
	}
	for filter, want := range map[string]string{"health=healthy": "fine\n", "health=unhealthy": "sick\n"} {
		if got := e.must("ps", "--filter", filter, "--format", "{{.Names}}"); got != want {
			t.Errorf("ps --filter %s: %q, want %q", filter, got, want)
		}
	}
}
