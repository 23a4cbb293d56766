package e2e

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestPruneFilters runs each prune verb's --filter (label=, label!=,
// until=) against objects that must stay and objects that must go, and
// bad filters, which must exit 125 naming the filter and change nothing.
func TestPruneFilters(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	e.image()
	tar := filepath.Join(e.dir, "rootfs.tar")
	e.must("image", "import", "--change", "LABEL keep=yes", tar, "kept")
	other := strings.TrimSpace(e.must("image", "import", "--change", "LABEL other=1", tar, "other"))
	e.must("image", "import", "--change", "LABEL other=2", tar, "other2")
	old := strings.TrimSpace(e.must("create", "--name", "old", "--label", "tier=old", "bb", "true"))
	e.must("create", "--name", "keep", "--label", "keep=yes", "bb", "true")
	e.must("create", "--name", "plain", "bb", "true")
	e.must("volume", "create", "--label", "keep=yes", "vk")
	e.must("volume", "create", "vx")
	checkBadPruneFilters(t, e)

	if got := e.must("container", "prune", "-f", "--filter", "label=tier=old"); got != old+"\n" {
		t.Errorf("container prune label=tier=old printed %q, want %q", got, old)
	}
	if got := e.must("container", "prune", "-f", "--filter", "until=2000-01-01"); got != "" {
		t.Errorf("container prune until=2000-01-01 removed %q", got)
	}
	e.must("container", "prune", "-f", "--filter", "label!=keep")
	if got := e.must("ps", "-a", "--format", "{{.Names}}"); got != "keep\n" {
		t.Errorf("after container prune label!=keep: %q, want only keep", got)
	}
	if got := e.must("volume", "prune", "-f", "--filter", "until=2000-01-01"); got != "" {
		t.Errorf("volume prune until=2000-01-01 removed %q", got)
	}
	if got := e.must("volume", "prune", "-f", "--filter", "label!=keep"); got != "vx\n" {
		t.Errorf("volume prune label!=keep printed %q, want vx", got)
	}
	if got := e.must("image", "prune", "-a", "-f", "--filter", "label=nothing"); got != "" {
		t.Errorf("image prune label=nothing removed %q", got)
	}
	if got := e.must("image", "prune", "-a", "-f", "--filter", "label=other=1"); !strings.Contains(other, strings.TrimSpace(got)) || got == "" {
		t.Errorf("image prune -a label=other=1 printed %q, want %s", got, other)
	}

	e.must("create", "--name", "sys", "bb", "true")
	e.must("volume", "create", "vs")
	e.must("system", "prune", "-f", "-a", "--volumes", "--filter", "label!=keep", "--filter", "until=2100-01-01")
	for _, c := range []struct{ args, want string }{
		{"ps -a --format {{.Names}}", "keep\n"},
		{"volume ls -q", "vk\n"},
		{"images --format {{.Repository}}", "localhost/kept\nlocalhost/bb\n"},
	} {
		if got := e.must(strings.Fields(c.args)...); got != c.want {
			t.Errorf("after system prune --filter label!=keep: %s = %q, want %q", c.args, got, c.want)
		}
	}
}

// checkBadPruneFilters: every prune verb refuses a bad filter, naming it,
// with exit 125 and before it removes anything.
func checkBadPruneFilters(t *testing.T, e *env) {
	t.Helper()
	before := e.must("ps", "-a", "-q") + e.must("volume", "ls", "-q") + e.must("images", "-q")
	for _, args := range [][]string{
		{"container", "prune", "-f", "--filter", "bogus=1"},
		{"container", "prune", "-f", "--filter", "label"},
		{"volume", "prune", "-f", "--filter", "until=notatime"},
		{"image", "prune", "-f", "--filter", "nope=1"},
		{"system", "prune", "-f", "--filter", "label="},
		{"system", "prune", "-f", "--filter", "dangling=true"},
	} {
		r := e.run(args...)
		bad := args[len(args)-1]
		if r.code != 125 || !strings.HasPrefix(r.err, "Error: ") || !strings.Contains(r.err, bad) {
			t.Errorf("%v: exit %d, stderr %q; want 125 and an error naming %q", args, r.code, r.err, bad)
		}
	}
	if r := e.run("pod", "prune", "-f", "--filter", "label=x"); r.code != 125 {
		t.Errorf("pod prune --filter (Podman has none): exit %d, want 125", r.code)
	}
	if after := e.must("ps", "-a", "-q") + e.must("volume", "ls", "-q") + e.must("images", "-q"); after != before {
		t.Errorf("a refused prune changed state:\nbefore %q\nafter  %q", before, after)
	}
}

// checkSystemPruneNetworks: system prune --filter removes only the unused
// networks it matches (in a sandbox with its own network namespace, since
// removing a network does firewall work; after TestNetwork's teardown, as
// the prune's pod part takes no filter).
func checkSystemPruneNetworks(t *testing.T, e *env) {
	e = e.on(t)
	e.must("network", "create", "-l", "prune=me", "pg")
	e.must("network", "create", "pk")
	e.must("system", "prune", "-f", "--filter", "label=prune=me")
	got := strings.Fields(e.must("network", "ls", "--format", "{{.Name}}"))
	if slices.Contains(got, "pg") || !slices.Contains(got, "pk") {
		t.Errorf("after system prune --filter label=prune=me, networks %v: want pg gone, pk kept", got)
	}
	e.must("network", "rm", "pk")
}
