package e2e

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/podunit/podunit/internal/syncbuf"
	"github.com/podunit/podunit/test/testimage"
)

// TestCrashesLeaveWhatARerunFinishes kills podunit with SIGKILL at many
// points of run, then checks that rm -f finishes every container it left
// and nothing remains: no record, no storage container, no mount, no
// runtime state (DESIGN.md principle 5).
func TestCrashesLeaveWhatARerunFinishes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	e.image()
	t.Run("killed while its container runs", func(t *testing.T) {
		e := e.on(t)
		killedRun(t, e, "orphan")
		if st := e.field("orphan", "{{.State.Status}}"); st != "running" {
			t.Fatalf("the container outlives podunit, but inspect says %s", st)
		}
		e.must("rm", "-f", "-t", "0", "orphan")
	})
	t.Run("killed at many points of run --rm", func(t *testing.T) {
		e := e.on(t)
		for i := 0; i < 16; i++ {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			cmd := e.command(ctx, "run", "--rm", "--name", fmt.Sprintf("k%d", i), "bb", "sleep", "1")
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(time.Duration(i*8) * time.Millisecond)
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			cancel()
		}
		t.Logf("left by the kills:\n%s", e.must("ps", "-a", "--format", "{{.Names}} {{.State}} {{.Pid}}"))
		for _, id := range strings.Fields(e.must("ps", "-aq", "--no-trunc")) {
			e.must("rm", "-f", "-t", "0", id)
		}
		for i := 0; i < 16; i++ { // every name is free again
			e.must("create", "--name", fmt.Sprintf("k%d", i), "bb", "true")
			e.must("rm", fmt.Sprintf("k%d", i))
		}
	})
	checkNothingLeft(t, e)
}

// TestInterruptedRunLeavesNothing sends SIGINT to `run --rm` at many points
// of its course. A signal that comes before the container started ends the
// run with 130 and says so, the container removed (podunit used to die of
// it, leaving the container for an rm -f); one that comes after is the
// container's (busybox's sleep, its PID 1, ignores it) and the run ends as
// usual. Only a signal before the relay is set up, while the process starts
// and makes its container, still kills podunit outright, like a crash.
// Which of the three a sweep meets is the machine's timing; the one between
// relay and start is also hit on purpose, by holding the container's lock.
func TestInterruptedRunLeavesNothing(t *testing.T) {
	// not parallel: SIGINTs within 78 ms of the start should meet every outcome
	e := newEnv(t, nil, "runc")
	e.image()
	interruptedWhileLocked(t, e)
	outcomes := map[string]int{}
	for i := 0; i < 40; i++ {
		name := fmt.Sprintf("intr%d", i)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		cmd := e.command(ctx, "run", "--rm", "--name", name, "bb", "sleep", "0.2")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(i*2) * time.Millisecond)
		_ = cmd.Process.Signal(syscall.SIGINT)
		err := cmd.Wait()
		cancel()
		ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
		switch {
		case ws.Signaled():
			outcomes["killed before the relay"]++
			continue // rm -f below finishes what it left
		case ws.ExitStatus() == 130:
			if !strings.Contains(stderr.String(), fmt.Sprintf("container %q: interrupted by SIGINT before it started", name)) {
				t.Fatalf("run %s: exit 130 without saying why: %s", name, stderr.String())
			}
			outcomes["ended before the start"]++
		case ws.ExitStatus() == 0:
			outcomes["relayed to the container"]++
		default:
			t.Fatalf("run %s: %v\nstderr: %s", name, err, stderr.String())
		}
		for _, left := range strings.Fields(e.must("ps", "-a", "--format", "{{.Names}}")) {
			if left == name {
				t.Fatalf("run --rm %s ended (exit %d) but left its container: %s", name, ws.ExitStatus(), e.must("ps", "-a"))
			}
		}
	}
	t.Logf("outcomes: %v", outcomes)
	for _, id := range strings.Fields(e.must("ps", "-aq", "--no-trunc")) {
		e.must("rm", "-f", "-t", "0", id)
	}
	checkNothingLeft(t, e)
}

// interruptedWhileLocked: `start -a` of an --rm container whose lock
// flock(1) holds has set up its relay when it says it waits (lockNotice, 2 s
// after it began); a SIGINT then ends it with 130 once the lock is free,
// before the container starts, and the container is removed.
func interruptedWhileLocked(t *testing.T, e *env) {
	t.Helper()
	e.must("create", "--rm", "--name", "held", "bb", "sleep", "0.2")
	_, release := holdLock(t, e, e.field("held", "{{.ID}}"))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := e.command(ctx, "start", "-a", "held")
	var stderr syncbuf.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, "start -a to say it waits for the lock", func() bool {
		return strings.Contains(stderr.String(), "is locked by")
	})
	_ = cmd.Process.Signal(syscall.SIGINT)
	release()
	_ = cmd.Wait()
	ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
	want := `container "held": interrupted by SIGINT before it started`
	if ws.Signaled() || ws.ExitStatus() != 130 || !strings.Contains(stderr.String(), want) {
		t.Fatalf("SIGINT to start -a waiting for its lock: %v, stderr %q; want exit 130 saying %s", cmd.ProcessState, stderr.String(), want)
	}
	if out := e.must("ps", "-a", "--format", "{{.Names}}"); strings.Contains(out, "held") {
		t.Fatalf("the --rm container interrupted before its start remains: %s", out)
	}
}

// checkNothingLeft: no container record, storage container, mount or
// runtime state under e's roots.
func checkNothingLeft(t *testing.T, e *env) {
	t.Helper()
	if out := e.must("ps", "-aq"); out != "" {
		t.Errorf("records remain: %q", out)
	}
	if ids := storageContainers(t, e); len(ids) != 0 {
		t.Errorf("storage containers remain: %v", ids)
	}
	mi, _ := os.ReadFile("/proc/self/mountinfo")
	for _, line := range strings.Split(string(mi), "\n") {
		if strings.Contains(line, e.dir) && strings.Contains(line, "/merged") {
			t.Errorf("a rootfs is still mounted: %s", line)
		}
	}
	states, _ := filepath.Glob(filepath.Join(e.dir, "run", "podunit", "runtime", "runc", "*"))
	if len(states) > 0 {
		t.Errorf("runtime state remains: %v", states)
	}
}

// TestCrashedImportLeavesNoImage kills image import and load at many points;
// what a killed one wrote is gone by the next images listing: no nameless
// image, no scratch directory (defect: dangling <none> images and
// container_images_storage* directories).
func TestCrashedImportLeavesNoImage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	const trials = 60
	tars := make([]string, trials+2)
	for i := range tars { // each layer new, so that no import is a quick re-use
		tars[i] = filepath.Join(e.dir, fmt.Sprintf("rootfs%d.tar", i))
		uniqueRootfs(t, tars[i])
	}
	e.must("image", "import", tars[trials], "first") // the store is made
	start := time.Now()
	e.must("image", "import", tars[trials+1], "timed")
	took := time.Since(start)
	for i := 0; i < trials; i++ { // the image is made and named near the end
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		cmd := e.command(ctx, "image", "import", tars[i], fmt.Sprintf("k%d", i))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(took/2 + took*time.Duration(i)/trials*2/3)
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		cancel()
	}
	listed := e.must("images", "--format", "{{.Repository}}:{{.Tag}}")
	t.Logf("import takes %v; images after the kills:\n%s", took, listed)
	if strings.Contains(listed, "<none>") {
		t.Errorf("killed imports left nameless images:\n%s", listed)
	}
	if left, _ := filepath.Glob(filepath.Join(e.dir, "root", "podunit-tmp", "*")); len(left) > 0 {
		t.Errorf("killed imports left scratch space: %v", left)
	}
}

// uniqueRootfs writes the test rootfs with a file of 4 MiB of random bytes
// added: a layer no other import shares.
func uniqueRootfs(t *testing.T, path string) {
	t.Helper()
	base := path + ".base"
	if err := testimage.RootfsTar(base); err != nil {
		t.Fatal(err)
	}
	in, err := os.ReadFile(base)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tr := tar.NewReader(bytes.NewReader(in))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(tw, tr); err != nil {
			t.Fatal(err)
		}
	}
	noise := make([]byte, 4<<20)
	_, _ = rand.Read(noise)
	if err := tw.WriteHeader(&tar.Header{Name: "noise", Mode: 0o644, Size: int64(len(noise)), Typeflag: tar.TypeReg}); err != nil {
		t.Fatal(err)
	}
	_, _ = tw.Write(noise)
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
