package e2e

import (
	"strings"
	"testing"
)

// TestImageVolumeOnHost makes a volume with the image driver (Quadlet's
// Driver=image): it holds the image's files, what a container writes to it
// stays for the next one, and volume rm removes its storage container (the
// image can then be removed). Bad options change nothing.
func TestImageVolumeOnHost(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	e.image()
	e.must("volume", "create", "--driver", "image", "--opt", "image=bb", "tools")
	if got := e.must("volume", "inspect", "--format", "{{.Driver}} {{.Options.image}}", "tools"); got != "image bb\n" {
		t.Errorf("volume inspect: %q", got)
	}
	if got := e.must("run", "--rm", "-v", "tools:/tools", "bb", "sh", "-c", "cat /tools/etc/group >/dev/null && echo kept > /tools/new && echo ok"); got != "ok\n" {
		t.Errorf("first run printed %q", got)
	}
	if got := e.must("run", "--rm", "-v", "tools:/tools:ro", "bb", "cat", "/tools/new"); got != "kept\n" {
		t.Errorf("second run read %q from the volume", got)
	}
	if r := e.run("rmi", "bb"); r.code == 0 {
		t.Fatal("rmi removed the image an image volume is made of")
	}
	e.must("volume", "rm", "tools")
	e.must("rmi", "bb")
	e.image()
	for _, c := range [][]string{
		{"--driver", "image", "noimage"},
		{"--driver", "image", "--opt", "image=nosuch", "missing"},
		{"--driver", "image", "--opt", "image=bb", "--opt", "type=tmpfs", "extra"},
		{"--driver", "nfs", "other"},
	} {
		r := e.run(append([]string{"volume", "create"}, c...)...)
		if r.code != 125 || !strings.Contains(r.err, "Error: ") {
			t.Errorf("volume create %v: exit %d: %s", c, r.code, r.err)
		}
	}
	if got := e.must("volume", "ls", "-q"); got != "" {
		t.Errorf("refused creates left volumes: %q", got)
	}
}
