package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/podunit/podunit/engine/errdefs"
)

// ModuleDirs are where a containers.conf module given by a relative name
// is looked for, in order, as Podman looks: the user's configuration
// (configHome: $XDG_CONFIG_HOME, else ~/.config), then /etc, then /usr/share.
func ModuleDirs(configHome string) []string {
	dirs := []string{"/etc/containers/containers.conf.modules", "/usr/share/containers/containers.conf.modules"}
	if configHome != "" {
		dirs = append([]string{filepath.Join(configHome, "containers", "containers.conf.modules")}, dirs...)
	}
	return dirs
}

// ResolveModule finds the file of --module name: an absolute path as it
// is, a relative one in the first of dirs that has it.
func ResolveModule(name string, dirs []string) (string, error) {
	if name == "" {
		return "", fmt.Errorf("--module: empty name: %w", errdefs.ErrInvalidArgument)
	}
	candidates := []string{name}
	if !filepath.IsAbs(name) {
		candidates = nil
		for _, d := range dirs {
			candidates = append(candidates, filepath.Join(d, name))
		}
	}
	for _, c := range candidates {
		if fi, err := os.Stat(c); err == nil && fi.Mode().IsRegular() {
			return c, nil
		}
	}
	return "", fmt.Errorf("--module %q: no such containers.conf module (looked for %s): %w",
		name, strings.Join(candidates, ", "), errdefs.ErrNotFound)
}

// confFiles are the containers.conf files podunit reads (ConfFiles).
func (e *Engine) confFiles() []string { return ConfFiles(e.cfg.ConfModules) }
