// Package helperbin finds podunit's companion binaries (podunit-full,
// podunit-console): beside the podunit binary, as a build tree's bin/ has
// them, else in ../libexec/podunit, as the packages install them.
package helperbin

import (
	"os"
	"path/filepath"
)

// Find returns the first of Places(self, name) that is an executable
// regular file, and whether there was one.
func Find(self, name string) (string, bool) {
	for _, p := range Places(self, name) {
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, true
		}
	}
	return "", false
}

// Places are where Find looks for name, in order, for the podunit at self.
func Places(self, name string) []string {
	dir := filepath.Dir(self)
	return []string{filepath.Join(dir, name), filepath.Join(dir, "..", "libexec", "podunit", name)}
}
