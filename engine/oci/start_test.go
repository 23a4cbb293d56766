package oci

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
)

func TestNotWaitingMessages(t *testing.T) {
	for msg, want := range map[string]bool{
		"crun start: open `/run/crun/x/exec.fifo`: No such file or directory": true,
		"runc start: cannot start a container that has stopped":               true,
		"runc start: cannot start an already running container":               true,
		"crun start: container `x` is not in created state":                   true,
		"runc start: permission denied":                                       false,
	} {
		if got := notWaiting(msg); got != want {
			t.Errorf("notWaiting(%q) = %v, want %v", msg, got, want)
		}
	}
}

// TestStartAfterInitKilled: a start that comes after the waiting init was
// killed (a stop or kill won the race) is ErrNotWaiting, a conflict, with
// the real runc.
func TestStartAfterInitKilled(t *testing.T) {
	rt := testRunc(t)
	bundle := busyboxBundle(t)
	id := "oci-start-test"
	ctx, pid := createTest(t, rt, id, bundle, Stdio{})
	proc, _ := os.FindProcess(pid)
	if err := proc.Kill(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // runc counts a zombie as stopped
	err := rt.StartExec(ctx, id, bundle)
	if !errors.Is(err, ErrNotWaiting) || !errors.Is(err, errdefs.ErrConflict) {
		t.Fatalf("start after the init was killed: %v, want ErrNotWaiting", err)
	}
}

// createTest creates container id of bundle with rt and removes it when
// the test ends; it returns a context of a minute and the init's pid.
func createTest(t *testing.T, rt *Runtime, id, bundle string, stdio Stdio) (context.Context, int) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	_ = rt.Delete(ctx, id, true)
	pid, err := rt.Create(ctx, id, bundle, stdio)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = rt.Delete(ctx, id, true)
		cancel()
	})
	return ctx, pid
}

// testRunc is the host's runc with a fresh state directory. Without root
// the test skips (CI runs as root, as the e2e tests need); a missing runc
// fails it: setup installs runc, so CI never skips these.
func testRunc(t *testing.T) *Runtime {
	if os.Getuid() != 0 {
		t.Skip("needs root to run runc")
	}
	rt, err := Find("runc", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return rt
}

// busyboxBundle is a bundle of runc's default spec running the host's
// static busybox.
func busyboxBundle(t *testing.T) string {
	return busyboxBundleArgs(t, "/busybox", "sleep", "60")
}

// busyboxBundleArgs is busyboxBundle running args.
func busyboxBundleArgs(t *testing.T, args ...string) string {
	bb, err := exec.LookPath("busybox")
	if err != nil {
		t.Skip("no busybox")
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "rootfs"), 0o755); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(bb)
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "rootfs", "busybox"), data, 0o755)
	}
	if err == nil {
		err = exec.Command("runc", "spec", "-b", dir).Run()
	}
	if err != nil {
		t.Fatal(err)
	}
	var spec map[string]any
	raw, _ := os.ReadFile(filepath.Join(dir, "config.json"))
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	proc := spec["process"].(map[string]any)
	proc["args"], proc["terminal"] = args, false
	raw, _ = json.Marshal(spec)
	if err := os.WriteFile(filepath.Join(dir, "config.json"), raw, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}
