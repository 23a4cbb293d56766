package harness

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// BuildPackage builds the main package at pkg (relative to the module
// root, such as ./test/e2e/testdata/sockserve) statically, as BuildCommand
// does, into a fresh folder under TempDir, and returns the binary's path:
// a test program to run inside a container.
func BuildPackage(t testing.TB, pkg string) string {
	t.Helper()
	root, err := moduleRoot()
	if err != nil {
		t.Fatalf("harness: %v", err)
	}
	bin := filepath.Join(TempDir(t), filepath.Base(pkg))
	if out, err := goBuild(root, pkg, bin, "", false); err != nil {
		t.Fatalf("harness: building %s: %v\n%s", pkg, err, out)
	}
	if err := os.Chmod(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(fmt.Errorf("harness: %w", err))
	}
	return bin
}
