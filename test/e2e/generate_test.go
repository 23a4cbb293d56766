package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGenerateSystemdOnHost checks what `generate systemd` writes for
// recorded containers; it needs no systemd.
func TestGenerateSystemdOnHost(t *testing.T) {
	t.Parallel()
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
	t.Run("a unit systemd cannot load is refused", func(t *testing.T) {
		e := e.on(t)
		// an env file of lines over 64 KiB is read (it failed with "token too long")
		var envFile strings.Builder
		for i := 0; i < 9; i++ {
			fmt.Fprintf(&envFile, "V%d=%s\n", i, strings.Repeat("x", 120<<10))
		}
		path := filepath.Join(e.dir, "big.env")
		if err := os.WriteFile(path, []byte(envFile.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		e.must("create", "--name", "bigenv", "--env-file", path, "bb", "true")
		if n := len(e.field("bigenv", "{{range .Config.Env}}{{.}}{{end}}")); n < 9*120<<10 {
			t.Errorf("the environment holds %d bytes, want the env file's", n)
		}
		r := e.run("generate", "systemd", "--new", "bigenv")
		if r.code != 125 || !strings.Contains(r.err, "container-bigenv.service") || !strings.Contains(r.err, "ExecStart=") || r.out != "" {
			t.Errorf("generate systemd --new of a 1 MiB ExecStart=: exit %d, stdout %d bytes, stderr %.300q", r.code, len(r.out), r.err)
		}
		e.must("rm", "bigenv")
	})
}
