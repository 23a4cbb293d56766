package layering

import (
	"strings"
	"testing"
)

// TestRootlessIsAnAdapter: engine/rootless imports no other podunit
// package than errdefs (kept apart from allowedInternal's table, so that
// table's alignment is not rewritten).
func TestRootlessIsAnAdapter(t *testing.T) {
	for _, p := range listPackages(t) {
		if strings.TrimPrefix(p.ImportPath, module) != "engine/rootless" {
			continue
		}
		for _, imp := range p.Imports {
			if strings.HasPrefix(imp, module) && imp != module+"engine/errdefs" {
				t.Errorf("engine/rootless imports %s; it may import only engine/errdefs", imp)
			}
		}
		return
	}
	t.Fatal("go list found no engine/rootless")
}
