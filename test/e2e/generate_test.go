package e2e

import (
	"strings"
	"testing"
)

// TestGenerateSystemdOnHost checks what `generate systemd` writes for
// recorded containers; it needs no systemd.
func TestGenerateSystemdOnHost(t *testing.T) {
	e := newEnv(t, nil, "runc")
	e.image()
	t.Run("restart follows the container", func(t *testing.T) {
		e := e.on(t)
		e.must("create", "--name", "always", "--restart", "always", "bb", "true")
		e.must("create", "--name", "plain", "bb", "true")
		for name, want := range map[string]string{"always": "Restart=always\n", "plain": "Restart=on-failure\n"} {
			if out := e.must("generate", "systemd", name); !strings.Contains(out, want) {
				t.Errorf("generate systemd %s: no %q in\n%s", name, want, out)
			}
		}
		if out := e.must("generate", "systemd", "--restart-policy", "no", "always"); !strings.Contains(out, "Restart=no\n") {
			t.Errorf("--restart-policy no was not used:\n%s", out)
		}
	})
}
