package unitstart

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/oci"
	"github.com/podunit/podunit/engine/state"
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

// testPlan is a plan whose unit is this test's own cgroup, with a state
// database holding container cid created.
func testPlan(t *testing.T) *Plan {
	t.Helper()
	cg, err := systemd.OwnCgroup()
	if err != nil {
		t.Skipf("no cgroup of its own: %v", err)
	}
	nonce := make([]byte, 8)
	_, _ = rand.Read(nonce)
	db := filepath.Join(t.TempDir(), "state.db")
	st, err := state.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	c := &model.Container{ID: cid, Name: "web"}
	c.State.Status = model.Created
	if err := st.AddContainer(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	st.Close()
	return &Plan{Nonce: hex.EncodeToString(nonce), ID: cid, DB: db, Cgroup: cg}
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

func record(t *testing.T, db string) *model.Container {
	t.Helper()
	st, err := state.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := st.Container(context.Background(), cid)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestReportToTheCommand: podunit-start's reports reach the command, which
// records them and answers; podunit-start opens no database.
func TestReportToTheCommand(t *testing.T) {
	p := testPlan(t)
	cmd := &memRecorder{}
	done, _ := serve(t, p, p.Cgroup, cmd)
	rec, err := reportTo(p)
	if err != nil {
		t.Fatal(err)
	}
	if rec.conn == nil || rec.local != nil {
		t.Fatalf("reportTo: connected %v, opened the database %v", rec.conn != nil, rec.local != nil)
	}
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
	if rec.local != nil {
		t.Error("podunit-start opened the database while the command answered")
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
	if c := record(t, p.DB); c.State.Status != model.Created {
		t.Errorf("the database was written: %s", c.State.Status)
	}
}

// TestReportRunning: a start reported running, and nothing after, is
// ReportedRunning: the command reads no record for a failure.
func TestReportRunning(t *testing.T) {
	p := testPlan(t)
	done, _ := serve(t, p, p.Cgroup, &memRecorder{})
	rec, err := reportTo(p)
	if err != nil {
		t.Fatal(err)
	}
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
	done, _ := serve(t, p, p.Cgroup, &memRecorder{runningErr: errors.New("database is locked")})
	rec, err := reportTo(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := rec.Running(context.Background(), cid, 4242, "u.service"); err == nil || err.Error() != "database is locked" {
		t.Errorf("Running: %v, want the command's error", err)
	}
	rec.close()
	if got := wait(t, done); got != ReportedFailed {
		t.Errorf("Serve after a refusal: %d, want ReportedFailed", got)
	}
	if rec.local != nil {
		t.Error("podunit-start opened the database after the command's answer")
	}
}

// TestReportWithoutTheCommand: with no command listening, or one that
// turns it away (its peer is in another cgroup), or gone before it
// answers, podunit-start records in the database itself.
func TestReportWithoutTheCommand(t *testing.T) {
	ctx := context.Background()
	t.Run("none", func(t *testing.T) {
		p := testPlan(t)
		rec, err := reportTo(p)
		if err != nil {
			t.Fatal(err)
		}
		defer rec.close()
		if rec.conn != nil || rec.local == nil {
			t.Fatalf("connected %v, database open %v", rec.conn != nil, rec.local != nil)
		}
		if err := rec.Running(ctx, cid, 4242, "u.service"); err != nil {
			t.Fatal(err)
		}
		rec.close()
		if c := record(t, p.DB); c.State.Status != model.Running || c.State.Pid != 4242 || c.State.Unit != "u.service" {
			t.Errorf("record: %s pid %d unit %q", c.State.Status, c.State.Pid, c.State.Unit)
		}
	})
	t.Run("turned away", func(t *testing.T) {
		p := testPlan(t)
		cmd := &memRecorder{}
		done, stop := serve(t, p, "/another.slice/u.service", cmd)
		rec, err := reportTo(p)
		if err != nil {
			t.Fatal(err)
		}
		rec.Failed(cid, &oci.ExecError{Code: 126, Msg: "permission denied"})
		rec.close()
		stop()
		if got := wait(t, done); got != NotReported {
			t.Errorf("Serve: a peer in another cgroup reported (%d)", got)
		}
		if len(cmd.running)+len(cmd.failed) > 0 {
			t.Errorf("the command recorded for a stranger: %v %v", cmd.running, cmd.failed)
		}
		if c := record(t, p.DB); c.State.Status != model.Exited || c.State.ExitCode != 126 || c.State.Error != "permission denied" {
			t.Errorf("record: %s code %d error %q", c.State.Status, c.State.ExitCode, c.State.Error)
		}
	})
	t.Run("gone", func(t *testing.T) {
		p := testPlan(t)
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
		rec, err := reportTo(p)
		if err != nil {
			t.Fatal(err)
		}
		defer rec.close()
		if rec.conn == nil || rec.local != nil {
			t.Fatalf("connected %v, database open %v", rec.conn != nil, rec.local != nil)
		}
		if err := rec.Running(ctx, cid, 4243, "u.service"); err != nil {
			t.Fatal(err)
		}
		rec.close()
		if c := record(t, p.DB); c.State.Status != model.Running || c.State.Pid != 4243 {
			t.Errorf("record: %s pid %d", c.State.Status, c.State.Pid)
		}
	})
}

// TestServeWithoutReports: a podunit-start that hangs up without a report
// (it found no plan of its own, and the full unit-start records) is no
// report: the command then waits for the lock.
func TestServeWithoutReports(t *testing.T) {
	p := testPlan(t)
	cmd := &memRecorder{}
	done, _ := serve(t, p, p.Cgroup, cmd)
	rec := dialCommand(p.Nonce)
	if rec.conn == nil {
		t.Fatal("no command reached, or no word from it")
	}
	rec.close()
	if got := wait(t, done); got != NotReported {
		t.Errorf("Serve counted a podunit-start that reported nothing (%d)", got)
	}
}
