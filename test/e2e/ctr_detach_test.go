package e2e

import (
	"slices"
	"strings"
	"testing"
)

// TestDetachKeysOnAttachedRuns: run, start -a and exec take --detach-keys
// as Podman's; "" and the default are what they do (no detaching), another
// sequence is refused, exit 125, naming flag and value, before anything is
// created, and a malformed one always.
func TestDetachKeysOnAttachedRuns(t *testing.T) {
	e := newEnv(t, nil, "runc")
	e.image()
	if out := e.must("run", "--rm", "--detach-keys", "", "bb", "echo", "ran"); out != "ran\n" {
		t.Errorf("run --detach-keys \"\" printed %q", out)
	}
	e.must("create", "--name", "dk", "bb", "true")
	for _, args := range [][]string{
		{"run", "--rm", "-i", "--detach-keys", "ctrl-a", "bb", "true"},
		{"start", "-a", "--detach-keys", "ctrl-a", "dk"},
		{"exec", "--detach-keys", "ctrl-a", "dk", "true"},
		{"run", "--rm", "--detach-keys", "ctrl-", "bb", "true"},
	} {
		r := e.run(args...)
		named := "--detach-keys \"" + args[slices.Index(args, "--detach-keys")+1] + "\""
		if r.code != 125 || !strings.HasPrefix(r.err, "Error: ") || !strings.Contains(r.err, named) {
			t.Errorf("%q: exit %d, stderr %q; want 125 and an Error: naming --detach-keys and its value", args, r.code, r.err)
		}
	}
	if out := e.must("ps", "-a", "--format", "{{.Names}} {{.Status}}"); !strings.HasPrefix(out, "dk Created") || strings.Count(out, "\n") != 1 {
		t.Errorf("after the refusals ps -a = %q, want dk alone, still created", out)
	}
}
