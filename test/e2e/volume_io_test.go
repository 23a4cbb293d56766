package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// checkVolumeExportImport: volume export writes a volume's files as a tar
// (stdout or -o), volume import unpacks one (a file or -) into a volume,
// whose first mount then copies nothing from the image over them; a
// missing volume is exit 125 (podman-volume-export(1), -import(1)).
func checkVolumeExportImport(t *testing.T, e *env) {
	e = e.on(t)
	e.must("volume", "create", "src")
	e.must("run", "--rm", "-v", "src:/data", "bb", "sh", "-c", "mkdir /data/sub && echo kept > /data/sub/f")
	out := filepath.Join(e.dir, "src.tar")
	e.must("volume", "export", "-o", out, "src")
	if list, err := exec.Command("tar", "-tf", out).Output(); err != nil || !strings.Contains(string(list), "sub/f") {
		t.Fatalf("volume export -o: %v\n%s", err, list)
	}
	if stdout := e.must("volume", "export", "src"); !strings.Contains(stdout, "kept\n") {
		t.Fatalf("volume export to stdout has not the file's content")
	}
	e.must("volume", "create", "dst")
	e.must("volume", "import", "dst", out)
	if got := e.must("run", "--rm", "-v", "dst:/etc", "bb", "ls", "/etc"); got != "sub\n" {
		t.Errorf("an imported volume over /etc holds %q: the image's /etc was copied over it", got)
	}
	tarball, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	e.must("volume", "create", "piped")
	if r := e.runIn(bytes.NewReader(tarball), "volume", "import", "piped", "-"); r.code != 0 {
		t.Fatalf("volume import -: exit %d, %s", r.code, r.err)
	}
	if got := e.must("run", "--rm", "-v", "piped:/v", "bb", "cat", "/v/sub/f"); got != "kept\n" {
		t.Errorf("volume import - gave %q", got)
	}
	for _, args := range [][]string{{"volume", "export", "nosuch"}, {"volume", "import", "nosuch", out}, {"volume", "import", "dst", "/nonexistent.tar"}} {
		if r := e.run(args...); r.code != 125 || !strings.HasPrefix(r.err, "Error: ") {
			t.Errorf("%v: exit %d, %q", args, r.code, r.err)
		}
	}
	if r := e.run("volume", "exists", "nosuch"); r.code != 1 {
		t.Errorf("a failed import made the volume")
	}
}
