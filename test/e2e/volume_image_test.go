package e2e

import (
	"os"
	"path/filepath"
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
	// a removal cut short after the record went (its directory, which
	// an image volume has only for the removal's mark, holds an immutable
	// file): a create of that name finishes it first, storage container
	// included, and a plain volume rm leaves nothing
	before := len(storageContainers(t, e))
	dir := filepath.Join(e.dir, "root", "podunit", "volumes", "tools")
	e.sh("mkdir -p " + dir + " && touch " + dir + "/stuck && chattr +i " + dir + "/stuck")
	r := e.run("volume", "rm", "tools")
	e.sh("chattr -i " + dir + "/stuck")
	if r.code == 0 {
		t.Fatal("volume rm deleted an immutable file")
	}
	e.must("volume", "create", "--driver", "image", "--opt", "image=bb", "tools")
	if got := e.must("run", "--rm", "-v", "tools:/tools", "bb", "sh", "-c", "test -e /tools/new || echo fresh"); got != "fresh\n" {
		t.Errorf("the image volume made after a cut removal: %q", got)
	}
	if after := len(storageContainers(t, e)); after != before {
		t.Errorf("storage containers: %d before the cut removal, %d after a new create of the name", before, after)
	}
	e.must("volume", "rm", "tools")
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("volume rm of an image volume left its directory: %v", err)
	}
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
