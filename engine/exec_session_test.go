package engine

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/podunit/podunit/engine/console"
	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/internal/lifelock"
)

// TestExecSessionRecords: a session is running while its pid lives and no
// exit code is written, ended with the code its waiter wrote, lost (-1)
// when neither; ExecIDs lists the running ones; lookups take a unique
// prefix; a container keeps at most keptEndedSessions ended ones.
func TestExecSessionRecords(t *testing.T) {
	e := &Engine{runDir: t.TempDir()}
	c := &model.Container{ID: "c1", Name: "web"}
	if _, _, err := e.newExecSession(c, ExecSession{}); !errdefs.IsConflict(err) {
		t.Fatalf("a session without a bundle: %v", err)
	}
	if err := os.MkdirAll(e.bundleDir(c.ID), 0o700); err != nil {
		t.Fatal(err)
	}
	write := func(dir, name, v string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(v), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	running, dir, err := e.newExecSession(c, ExecSession{Args: []string{"sleep", "9"}})
	if err != nil {
		t.Fatal(err)
	}
	write(dir, console.ExecPidFile, "1\n") // pid 1 lives
	ended, dir2, _ := e.newExecSession(c, ExecSession{})
	write(dir2, console.ExecPidFile, "1\n")
	write(dir2, console.ExecExitFile, "7\n")
	lost, dir3, _ := e.newExecSession(c, ExecSession{})
	write(dir3, console.ExecPidFile, "2147483647\n") // no such process, no code: its waiter was killed
	if ids := e.ExecIDs(c); len(ids) != 1 || ids[0] != running.ID {
		t.Errorf("ExecIDs = %v, want [%s]", ids, running.ID)
	}
	for _, w := range []struct {
		id      string
		run     bool
		code    int
		command string
	}{{running.ID, true, 0, "sleep"}, {ended.ID, false, 7, ""}, {lost.ID, false, -1, ""}} {
		s, err := e.ExecSession(w.id[:12])
		if err != nil || s.Running != w.run || s.ExitCode != w.code || s.ContainerID != "c1" {
			t.Errorf("session %s: %+v, %v; want running %v code %d", w.id, s, err, w.run, w.code)
		}
	}
	if _, err := e.ExecSession("nosuch"); !errdefs.IsNotFound(err) {
		t.Errorf("unknown session: %v", err)
	}
	if _, err := e.ExecSession("../c1"); !errdefs.IsNotFound(err) {
		t.Errorf("a path as a session: %v", err)
	}
	for i := 0; i < 2*keptEndedSessions; i++ {
		_, d, err := e.newExecSession(c, ExecSession{})
		if err != nil {
			t.Fatal(err)
		}
		write(d, console.ExecExitFile, "0\n")
	}
	all := e.ExecSessions(c)
	if len(all) != keptEndedSessions+1 || all[0].ID != running.ID || all[1].ID == ended.ID {
		t.Errorf("after many sessions: %d kept (first %s), want the running one and the %d newest ended", len(all), all[0].ID, keptEndedSessions)
	}
}

// TestExecSessionWhileItsWaiterRecords: a process gone before its waiter
// wrote its code is running still (the code is coming), not lost, while
// the waiter lives; lost (-1) only once the waiter is gone too.
func TestExecSessionWhileItsWaiterRecords(t *testing.T) {
	e := &Engine{runDir: t.TempDir()}
	c := &model.Container{ID: "c1", Name: "web"}
	if err := os.MkdirAll(e.bundleDir(c.ID), 0o700); err != nil {
		t.Fatal(err)
	}
	s, dir, err := e.newExecSession(c, ExecSession{})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, console.ExecPidFile), []byte("2147483647\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	release, err := lifelock.Hold(filepath.Join(dir, console.ExecWaiterFile))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := e.ExecSession(s.ID); err != nil || !got.Running || got.ExitCode != 0 {
		t.Errorf("while the waiter lives: %+v, %v; want running", got, err)
	}
	release()
	if got, err := e.ExecSession(s.ID); err != nil || got.Running || got.ExitCode != -1 {
		t.Errorf("after the waiter is gone: %+v, %v; want lost (-1)", got, err)
	}
}
