package spec

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.json golden files")

// TestGolden pins the whole spec of a fixed input on testHost. After an
// intended change: go test ./engine/spec/ -run TestGolden -update
func TestGolden(t *testing.T) {
	in := testInput(t)
	in.Rootfs = "/var/lib/podunit/rootfs" // no passwd there: "" is root
	in.Env = []string{"PATH=/usr/bin:/bin", "LANG=C.UTF-8", "HOME=/root"}
	in.WorkingDir = "/srv"
	in.CapAdd = []string{"NET_ADMIN"}
	in.Mounts = []Mount{{Source: "/srv/www", Destination: "/srv/www", ReadOnly: true}}
	in.Tmpfs = []string{"/cache:size=16m"}
	in.CgroupsPath = "/system.slice/podunit-web.service/ctr"
	s := mustGenerate(t, in)
	got, err := json.MarshalIndent(s, "", "\t")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "default.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("spec differs from %s; run with -update and review the diff", path)
	}
}
