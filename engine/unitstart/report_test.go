package unitstart

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/podunit/podunit/engine/oci"
	"github.com/podunit/podunit/engine/systemd"
)

// cid is the tests' container.
var cid = strings.Repeat("c1", 32)

// memRecorder is the command's side in these tests: it keeps what it was
// told to record.
type memRecorder struct {
	mu         sync.Mutex
	running    []string
	failed     []error
	runningErr error
}

func (m *memRecorder) Running(_ context.Context, id string, pid int, unit string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.running = append(m.running, id+" "+unit+" "+strconv.Itoa(pid))
	return m.runningErr
}

func (m *memRecorder) Failed(id string, cause error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.failed = append(m.failed, cause)
}

// testPlan is a plan whose unit is this test's own cgroup, its bundle a
// directory of the test's.
func testPlan(t *testing.T) *Plan {
	t.Helper()
	cg, err := systemd.OwnCgroup()
	if err != nil {
		t.Fatalf("no cgroup of its own: %v", err) // every Linux process has one
	}
	nonce := make([]byte, 8)
	_, _ = rand.Read(nonce)
	return &Plan{Nonce: hex.EncodeToString(nonce), ID: cid, Bundle: t.TempDir(), Cgroup: cg}
}

// serve runs the command's side of p's start with rec, returning what
// Serve returns once it does.
func serve(t *testing.T, p *Plan, cgroup string, rec Recorder) (<-chan Served, func()) {
	t.Helper()
	ln, err := Listen(p.Nonce)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan Served, 1)
	go func() { done <- Serve(context.Background(), ln, p.ID, cgroup, rec) }()
	return done, func() { ln.Close() }
}

// reporting is podunit-start connected to a command (serve) that records
// with cmd and has said go.
func reporting(t *testing.T, p *Plan, cmd Recorder) (*commandRecorder, <-chan Served) {
	t.Helper()
	done, _ := serve(t, p, p.Cgroup, cmd)
	rec := dialCommand(p.Nonce)
	if rec.conn == nil {
		t.Fatal("dialCommand: no command reached, or no word from it")
	}
	return rec, done
}

func wait(t *testing.T, done <-chan Served) Served {
	t.Helper()
	select {
	case s := <-done:
		return s
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return")
		return NotReported
	}
}

// TestReportToTheCommand: podunit-start's reports reach the command, which
// records them and answers; podunit-start opens no database.
func TestReportToTheCommand(t *testing.T) {
	p := testPlan(t)
	cmd := &memRecorder{}
	rec, done := reporting(t, p, cmd)
	ctx := context.Background()
	if err := rec.Running(ctx, cid, 4242, "u.service"); err != nil {
		t.Fatalf("Running: %v", err)
	}
	rec.Failed(cid, &oci.ExecError{Code: 127, Msg: "crun: executable file not found"})
	rec.Failed(cid, errors.New("no fifo"))
	rec.close()
	if got := wait(t, done); got != ReportedFailed {
		t.Errorf("Serve after failures: %d, want ReportedFailed", got)
	}
	want := cid + " " + filepath.Base(p.Cgroup) + " " + strconv.Itoa(4242)
	if len(cmd.running) != 1 || cmd.running[0] != want {
		t.Errorf("recorded running: %q, want %q", cmd.running, want)
	}
	if len(cmd.failed) != 2 {
		t.Fatalf("recorded failures: %v", cmd.failed)
	}
	if x, ok := oci.IsExecError(cmd.failed[0]); !ok || x.Code != 127 || x.Msg != "crun: executable file not found" {
		t.Errorf("first failure: %#v, want the exec error 127", cmd.failed[0])
	}
	if _, ok := oci.IsExecError(cmd.failed[1]); ok || cmd.failed[1].Error() != "no fifo" {
		t.Errorf("second failure: %#v", cmd.failed[1])
	}
}

// TestReportRunning: a start reported running, and nothing after, is
// ReportedRunning: the command reads no record for a failure.
func TestReportRunning(t *testing.T) {
	p := testPlan(t)
	rec, done := reporting(t, p, &memRecorder{})
	if err := rec.Running(context.Background(), cid, 4242, "u.service"); err != nil {
		t.Fatal(err)
	}
	rec.close()
	if got := wait(t, done); got != ReportedRunning {
		t.Errorf("Serve: %d, want ReportedRunning", got)
	}
}

// TestReportRefused: the command's refusal comes back as the error, and
// podunit-start does not record past it.
func TestReportRefused(t *testing.T) {
	p := testPlan(t)
	rec, done := reporting(t, p, &memRecorder{runningErr: errors.New("database is locked")})
	if err := rec.Running(context.Background(), cid, 4242, "u.service"); err == nil || err.Error() != "database is locked" {
		t.Errorf("Running: %v, want the command's error", err)
	}
	rec.close()
	if got := wait(t, done); got != ReportedFailed {
		t.Errorf("Serve after a refusal: %d, want ReportedFailed", got)
	}
}

// TestReportWithoutTheCommand: with no command listening, or one that
// turns it away (its peer is in another cgroup), podunit-start hands the
// plan, untaken, to the full unit-start; with one gone before it answers
// the init's report, it writes the plan back with the init's pid and hands
// it over too.
func TestReportWithoutTheCommand(t *testing.T) {
	ctx := context.Background()
	lockDir := t.TempDir()
	t.Run("none", func(t *testing.T) {
		p := testPlan(t)
		if err := WritePlan(p); err != nil {
			t.Fatal(err)
		}
		if err := planned(ctx, p.Nonce, PlanFile(p.Bundle), lockDir, cid); !errors.Is(err, errHandOff) {
			t.Fatalf("planned without a command: %v, want the hand-over", err)
		}
		if got, _ := TakePlan(PlanFile(p.Bundle), p.Nonce); got == nil || got.Pid != 0 {
			t.Errorf("the plan handed over: %+v", got)
		}
	})
	t.Run("turned away", func(t *testing.T) {
		p := testPlan(t)
		cmd := &memRecorder{}
		done, stop := serve(t, p, "/another.slice/u.service", cmd)
		if err := WritePlan(p); err != nil {
			t.Fatal(err)
		}
		err := planned(ctx, p.Nonce, PlanFile(p.Bundle), lockDir, cid)
		stop()
		if !errors.Is(err, errHandOff) {
			t.Fatalf("planned, turned away: %v, want the hand-over", err)
		}
		if got := wait(t, done); got != NotReported {
			t.Errorf("Serve: a peer in another cgroup reported (%d)", got)
		}
		if len(cmd.running)+len(cmd.failed) > 0 {
			t.Errorf("the command recorded for a stranger: %v %v", cmd.running, cmd.failed)
		}
		if _, err := os.Stat(PlanFile(p.Bundle)); err != nil {
			t.Errorf("the plan was not left for the full unit-start: %v", err)
		}
	})
	t.Run("gone", func(t *testing.T) {
		p := testPlan(t)
		p.Pid = 4243 // created and handed over already: Run goes to the report
		if err := WritePlan(p); err != nil {
			t.Fatal(err)
		}
		ln, err := Listen(p.Nonce)
		if err != nil {
			t.Fatal(err)
		}
		go func() { // the command says go, takes the report and dies unanswering
			conn, err := ln.Accept()
			ln.Close()
			if err != nil {
				return
			}
			_, _ = conn.Write([]byte("{}\n"))
			buf := make([]byte, 512)
			_, _ = conn.Read(buf)
			conn.Close()
		}()
		if err := planned(ctx, p.Nonce, PlanFile(p.Bundle), lockDir, cid); !errors.Is(err, errHandOff) {
			t.Fatalf("planned with the command gone: %v, want the hand-over", err)
		}
		if got, _ := TakePlan(PlanFile(p.Bundle), p.Nonce); got == nil || got.Pid != 4243 {
			t.Errorf("the plan handed over: %+v, want pid 4243 in it", got)
		}
	})
}

// TestServeWithoutReports: a podunit-start that hangs up without a report
// (it found no plan of its own, and the full unit-start records) is no
// report: the command then waits for the lock.
func TestServeWithoutReports(t *testing.T) {
	p := testPlan(t)
	rec, done := reporting(t, p, &memRecorder{})
	rec.close()
	if got := wait(t, done); got != NotReported {
		t.Errorf("Serve counted a podunit-start that reported nothing (%d)", got)
	}
}

// TestPlannedWithoutItsOwnPlan: with the command there but a plan that is
// not this start's (another nonce), or none, podunit-start takes the full
// road (errNoPlan) and reports nothing; another start's plan is removed.
func TestPlannedWithoutItsOwnPlan(t *testing.T) {
	ctx := context.Background()
	for _, other := range []bool{true, false} {
		p := testPlan(t)
		if other {
			foreign := *p
			foreign.Nonce = "another"
			if err := WritePlan(&foreign); err != nil {
				t.Fatal(err)
			}
		}
		done, _ := serve(t, p, p.Cgroup, &memRecorder{})
		if err := planned(ctx, p.Nonce, PlanFile(p.Bundle), t.TempDir(), cid); !errors.Is(err, errNoPlan) {
			t.Errorf("another plan %v: planned = %v, want the full road", other, err)
		}
		if got := wait(t, done); got != NotReported {
			t.Errorf("another plan %v: Serve = %d, want NotReported", other, got)
		}
		if _, err := os.Stat(PlanFile(p.Bundle)); !os.IsNotExist(err) {
			t.Errorf("another plan %v: a plan is left (%v)", other, err)
		}
	}
}
