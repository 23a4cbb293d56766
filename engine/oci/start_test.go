package oci

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"

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
// the real runtimes, released through their fifo or by their own start.
func TestStartAfterInitKilled(t *testing.T) {
	for name, rt := range testRuntimes(t) {
		t.Run(name, func(t *testing.T) {
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
		})
	}
}

// TestStartReleasesTheInit: crun's and runc's start done through their
// fifo (no runtime process) runs the container's process, the runtime
// then reports the container running, and a second start finds nothing
// waiting. The process writes to its stdout only once it runs.
func TestStartReleasesTheInit(t *testing.T) {
	for name, rt := range testRuntimes(t) {
		t.Run(name, func(t *testing.T) {
			if !rt.released() {
				t.Fatalf("%s at %s is not released through its fifo", name, rt.Path)
			}
			bundle := busyboxBundleArgs(t, "/busybox", "sh", "-c", "echo ran; exec /busybox sleep 60")
			r, w := pipe(t)
			id := "oci-release-test"
			ctx, pid := createTest(t, rt, id, bundle, Stdio{Out: w})
			w.Close()
			if st, err := rt.State(ctx, id); err != nil || st.Status != "created" {
				t.Fatalf("before start: %+v, %v; want created", st, err)
			}
			if err := rt.StartExec(ctx, id, bundle); err != nil {
				t.Fatal(err)
			}
			wantRan(ctx, t, rt, id, pid, r)
			if err := rt.StartExec(ctx, id, bundle); !errors.Is(err, ErrNotWaiting) {
				t.Fatalf("a second start: %v, want ErrNotWaiting", err)
			}
			if err := rt.Delete(ctx, id, true); err != nil || rt.Exists(id) {
				t.Fatalf("delete after start: %v (state left: %v)", err, rt.Exists(id))
			}
		})
	}
}

// TestStartWithoutPidfd: on a kernel without pidfd_open (before 5.3) runc's
// fifo cannot be read safely, and its own start runs instead.
func TestStartWithoutPidfd(t *testing.T) {
	rt := testRunc(t)
	calls := 0
	pidfdOpen = func(int, int) (int, error) { calls++; return -1, unix.ENOSYS }
	t.Cleanup(func() { pidfdOpen = unix.PidfdOpen })
	bundle := busyboxBundleArgs(t, "/busybox", "sh", "-c", "echo ran; exec /busybox sleep 60")
	r, w := pipe(t)
	id := "oci-nopidfd-test"
	ctx, pid := createTest(t, rt, id, bundle, Stdio{Out: w})
	w.Close()
	if err := rt.StartExec(ctx, id, bundle); err != nil {
		t.Fatal(err)
	}
	if calls != 1 {
		t.Fatalf("pidfd_open asked %d times, want once (the fifo road tried first)", calls)
	}
	wantRan(ctx, t, rt, id, pid, r)
}

// wantRan: the started container's process wrote "ran" to r, and the
// runtime says id runs with the init's pid.
func wantRan(ctx context.Context, t *testing.T, rt *Runtime, id string, pid int, r *os.File) {
	t.Helper()
	_ = r.SetReadDeadline(time.Now().Add(10 * time.Second))
	line := make([]byte, 4)
	if _, err := io.ReadFull(r, line); err != nil || string(line) != "ran\n" {
		t.Fatalf("the container's process wrote %q (%v), want it to run after start", line, err)
	}
	if st, err := rt.State(ctx, id); err != nil || st.Status != "running" || st.Pid != pid {
		t.Fatalf("after start: %+v, %v; want running with pid %d", st, err, pid)
	}
}

// TestWrappedRuntimeStartsItself: a crun or runc that is a script (a
// wrapper) is not released through the fifo: its own start runs.
func TestWrappedRuntimeStartsItself(t *testing.T) {
	for _, name := range []string{"crun", "runc"} {
		bin := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(bin, []byte("#!/bin/sh\nexit 1\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		if rt := (&Runtime{Name: name, Path: bin, Root: t.TempDir()}); rt.released() {
			t.Errorf("the script %s is released through a fifo", bin)
		}
	}
	if rt := (&Runtime{Name: "youki", Path: "/proc/self/exe", Root: t.TempDir()}); rt.released() {
		t.Error("a runtime of unknown layout is released through a fifo")
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

// testRuntimes are the host's runc and crun (without cgroups: the host's
// hierarchy is no place of crun's), each with a fresh state directory.
func testRuntimes(t *testing.T) map[string]*Runtime {
	rt := testRunc(t)
	cr, err := Find("crun", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cr.NoCgroups = true
	return map[string]*Runtime{"runc": rt, "crun": cr}
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
