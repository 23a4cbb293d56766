package oci

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestExecKillTreeEndsTheCheck: with KillTree, the end of an exec's
// context kills what it started in the container, a shell's child
// included, with the real runc; the exec returns at once.
func TestExecKillTreeEndsTheCheck(t *testing.T) {
	rt := testRunc(t)
	bundle := busyboxBundle(t)
	id := "oci-exec-kill-test"
	ctx, _ := createTest(t, rt, id, bundle, Stdio{})
	if err := rt.StartExec(ctx, id, bundle); err != nil {
		t.Fatal(err)
	}
	short, stop := context.WithTimeout(ctx, time.Second)
	defer stop()
	begin := time.Now()
	_, err := rt.Exec(short, id, ExecOptions{Args: []string{"/busybox", "sh", "-c", "/busybox sleep 47; true"},
		LogDir: t.TempDir(), KillTree: true}, Stdio{})
	if took := time.Since(begin); took > 20*time.Second {
		t.Fatalf("the exec returned after %s (%v), its context ended after 1s", took, err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for left := sleepers("47"); len(left) > 0; left = sleepers("47") {
		if time.Now().After(deadline) {
			t.Fatalf("the exec's processes still run after its context ended: pids %v", left)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// sleepers are the pids of host processes running `busybox sleep secs`.
func sleepers(secs string) []string {
	var pids []string
	cmdlines, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, f := range cmdlines {
		b, err := os.ReadFile(f)
		if err == nil && bytes.HasSuffix(b, []byte("sleep\x00"+secs+"\x00")) {
			pids = append(pids, filepath.Base(filepath.Dir(f)))
		}
	}
	return pids
}
