package e2e

import (
	"regexp"
	"strings"
	"testing"
)

// TestSystemDfVerbose: `system df -v` prints Podman 4.3.1's three tables
// (images one row per name, containers, local volumes) with their sizes
// and links, and refuses --format, as Podman's documentation says.
func TestSystemDfVerbose(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	e.image()
	e.must("tag", "bb", "bb2")
	id := strings.TrimSpace(e.must("create", "--name", "c1", "-v", "vol1:/v", "bb", "sh", "-c", "true"))
	e.must("volume", "create", "free")
	e.must("run", "--name", "w", "-v", "free:/f", "bb", "sh", "-c", "head -c 3000 /dev/zero > /f/z; echo hi > /x")
	e.must("tag", "bb", "bb3")
	e.must("commit", "w", "derived") // on bb's layer: both share it
	e.must("rmi", "bb3")
	out := e.must("system", "df", "-v")
	imageID := e.field("c1", "{{.Image}}")[:12]
	for _, want := range []string{
		`(?m)^Images space usage:\n\nREPOSITORY +TAG +IMAGE ID +CREATED +SIZE +SHARED SIZE +UNIQUE SIZE +CONTAINERS\n`,
		`(?m)^localhost/bb +latest +` + imageID + ` +.+ +(\S+)B +2.00\dMB +\S+B +2\n`,
		`(?m)^localhost/derived +latest +\S{12} +.+ +\S+B +2.00\dMB +\S+B +0\n`,
		`(?m)^localhost/bb2 +latest +` + imageID + ` `,
		`(?m)^\nContainers space usage:\n\nCONTAINER ID +IMAGE +COMMAND +LOCAL VOLUMES +SIZE +CREATED +STATUS +NAMES\n`,
		`(?m)^` + id[:12] + ` +` + imageID + ` +sh -c true +1 +\d+B +.+ +created +c1\n`,
		`(?m)^\S{12} +` + imageID + ` +sh -c head.* +1 +\d+B +.+ +exited +w\n`,
		`(?m)^\nLocal Volumes space usage:\n\nVOLUME NAME +LINKS +SIZE\n`,
		`(?m)^free +1 +3kB\n`, `(?m)^vol1 +1 +0B\n`,
	} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("system df -v lacks %s:\n%s", want, out)
		}
	}
	if r := e.run("system", "df", "-v", "--format", "json"); r.code != 125 || !strings.Contains(r.err, "--format") {
		t.Errorf("system df -v --format: exit %d, %q; want 125 naming --format", r.code, r.err)
	}
}
