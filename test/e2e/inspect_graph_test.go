package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// graphOf is inspect's driver, GraphDriver directories and image digest
// of a container, one line.
func graphOf(e *env, name string) string {
	e.t.Helper()
	return e.field(name, "{{.Driver}} {{.GraphDriver.Name}} {{.GraphDriver.Data.UpperDir}} "+
		"{{.GraphDriver.Data.LowerDir}} {{.GraphDriver.Data.WorkDir}} {{.GraphDriver.Data.MergedDir}} {{.ImageDigest}}")
}

// TestInspectReadsNoStorage: inspect takes a container's GraphDriver and
// ImageDigest from the state database, where they are recorded when its
// rootfs is made, so it answers without storage (storage reads every container's
// record to find one); a rootfs made again by repair is recorded again,
// and a record without them (rebuilt from storage, or made before podunit
// kept them) is answered from storage as before. pod rm of a pod without
// members opens no storage either.
func TestInspectReadsNoStorage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	e.image()
	e.must("create", "--name", "a", "bb", "true")
	want := graphOf(e, "a")
	f := strings.Fields(want)
	digest := strings.TrimSpace(e.must("image", "inspect", "--format", "{{.Digest}}", "bb"))
	if len(f) != 7 || f[0] != "overlay" || f[1] != "overlay" || f[6] != digest {
		t.Fatalf("inspect a: %q; want the overlay driver, 4 directories and the image's digest %s", want, digest)
	}
	if st, err := os.Stat(f[2]); err != nil || !st.IsDir() {
		t.Errorf("UpperDir %s: %v", f[2], err)
	}

	// pod rm of a pod without members or a user namespace range opens no
	// storage (storage writes its lock files whenever it is opened)
	e.must("pod", "create", "--name", "p0")
	locks := storageLocks(t, e)
	e.must("pod", "rm", "p0")
	if after := storageLocks(t, e); after != locks {
		t.Errorf("pod rm of a memberless pod opened storage: its locks went\n%s\nto\n%s", locks, after)
	}

	// storage's container list made unreadable: inspect does not need it
	list := filepath.Join(e.dir, "root", "overlay-containers", "containers.json")
	saved, err := os.ReadFile(list)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(list, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := graphOf(e, "a"); got != want {
		t.Errorf("inspect with storage unreadable: %q, want %q", got, want)
	}
	if err := os.WriteFile(list, saved, 0o600); err != nil {
		t.Fatal(err)
	}

	// the rootfs made again by repair: its new directories are recorded
	id := e.field("a", "{{.ID}}")
	deleteStorageContainer(t, e, id)
	e.must("system", "check", "--repair")
	again := graphOf(e, "a")
	g := strings.Fields(again)
	if len(g) != 7 || g[2] == f[2] || g[6] != digest {
		t.Fatalf("inspect after the rootfs was made again: %q (before: %q)", again, want)
	}
	if st, err := os.Stat(g[2]); err != nil || !st.IsDir() {
		t.Errorf("UpperDir after repair %s: %v", g[2], err)
	}
	if got := e.sql(`SELECT json_extract(graph, '$.dirs.UpperDir') FROM containers WHERE id = '` + id + `'`); got != g[2] {
		t.Errorf("the record's UpperDir after repair: %q, want %q", got, g[2])
	}

	// a record rebuilt from storage's copy has none: storage answers, the same
	e.loseState(false)
	e.must("system", "check", "--repair")
	if got := e.sql(`SELECT graph FROM containers WHERE id = '` + id + `'`); got != "" {
		t.Errorf("the rebuilt record has a graph: %q", got)
	}
	if got := graphOf(e, "a"); got != again {
		t.Errorf("inspect of the rebuilt record: %q, want %q", got, again)
	}
	runs(t, e, "a")
}

// storageLocks lists the modification times of e's storage lock files,
// which containers/storage writes each time a command opens it.
func storageLocks(t *testing.T, e *env) string {
	t.Helper()
	var out []string
	for _, pattern := range []string{"*.lock", "*/*.lock"} {
		paths, err := filepath.Glob(filepath.Join(e.dir, "root", pattern))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			st, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, p+" "+st.ModTime().Format(time.RFC3339Nano))
		}
	}
	if len(out) == 0 {
		t.Fatal("no storage lock files: storage was never opened")
	}
	return strings.Join(out, "\n")
}
