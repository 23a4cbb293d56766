package engine

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
)

func TestResolveModule(t *testing.T) {
	user, etc := t.TempDir(), t.TempDir()
	for _, p := range []string{filepath.Join(user, "both.conf"), filepath.Join(etc, "both.conf"), filepath.Join(etc, "etc.conf")} {
		if err := os.WriteFile(p, []byte("[containers]\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dirs := []string{user, etc}
	for name, want := range map[string]string{
		"both.conf":                    filepath.Join(user, "both.conf"), // the first directory wins
		"etc.conf":                     filepath.Join(etc, "etc.conf"),
		filepath.Join(etc, "etc.conf"): filepath.Join(etc, "etc.conf"),
	} {
		if got, err := ResolveModule(name, dirs); err != nil || got != want {
			t.Errorf("ResolveModule(%q) = %q, %v; want %q", name, got, err, want)
		}
	}
	for _, bad := range []string{"missing.conf", "/no/such/module.conf", "", "."} {
		_, err := ResolveModule(bad, dirs)
		if !errors.Is(err, errdefs.ErrNotFound) && !errors.Is(err, errdefs.ErrInvalidArgument) || !strings.Contains(err.Error(), "--module") {
			t.Errorf("ResolveModule(%q): %v", bad, err)
		}
	}
	if got := ModuleDirs("/home/u/.config"); !slices.Equal(got, []string{"/home/u/.config/containers/containers.conf.modules",
		"/etc/containers/containers.conf.modules", "/usr/share/containers/containers.conf.modules"}) {
		t.Errorf("ModuleDirs = %q", got)
	}
}
