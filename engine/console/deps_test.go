package console

import (
	"os/exec"
	"strings"
	"testing"
)

// TestKeeperBinaryStaysSmall: podunit-console runs for as long as a -t unit
// container does (and as an exec waiter, for as long as its process), so it
// links only this package, errdefs, internal/ helpers, x/sys, x/term and
// the standard library (2.5 MB resident; the podunit binary 22 MB).
func TestKeeperBinaryStaysSmall(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}",
		"../../cmd/podunit-console").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	allowed := []string{"github.com/podunit/podunit/cmd/podunit-console", "github.com/podunit/podunit/engine/console",
		"github.com/podunit/podunit/engine/errdefs", "github.com/podunit/podunit/internal/atomicfile",
		"github.com/podunit/podunit/internal/pidfile", "github.com/podunit/podunit/internal/lifelock",
		"golang.org/x/sys/", "golang.org/x/term"}
	for _, dep := range strings.Fields(string(out)) {
		ok := false
		for _, a := range allowed {
			ok = ok || dep == a || strings.HasSuffix(a, "/") && strings.HasPrefix(dep, a)
		}
		if !ok {
			t.Errorf("podunit-console links %s", dep)
		}
	}
}
