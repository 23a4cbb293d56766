package unitstart

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"path"

	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/engine/oci"
	"github.com/podunit/podunit/engine/systemd"
)

// A prepared start's record is written by the command that made the plan:
// it has the state database open already, and podunit-start then links
// and opens no database (SQLite's open, update and checkpoint were a
// quarter of its CPU, its code half of its binary). The command listens on
// an abstract socket that the plan's nonce names before it queues the
// unit; podunit-start connects, waits for the command's word that the
// bundle is made and the lock free, takes the container's lock, reports
// over the socket what the record must say (the init handed over, or the
// start failed) and waits for the answer before it goes on, so the record
// is written under podunit-start's lock and before the init runs, as in
// unit-start. Where the command cannot be reached (it died, or never
// listened), or it stops answering before the init's record is written,
// podunit-start hands the start to the full unit-start (PlanEnv), which
// records it: nothing a command's death interrupts is left unrecorded. A
// failure the command no longer hears of is the unit's cleanup's to
// record, as an exit.

// report is podunit-start's message to the command: Pid, the init created
// and handed over, to be recorded running; or Failed, why the start failed
// (Code its exit code).
type report struct {
	Pid    int    `json:",omitempty"`
	Failed string `json:",omitempty"`
	Code   int    `json:",omitempty"`
}

// answer is the command's reply to a report: Error, why it was not recorded.
type answer struct {
	Error string `json:",omitempty"`
}

// socketName is the abstract socket of the start that nonce names.
func socketName(nonce string) string { return "@podunit-start." + nonce }

// A Recorder writes how a start went into the container's record.
type Recorder interface {
	// Running records the init pid, created in unit and handed over to
	// systemd, as running, its error and exit code cleared.
	Running(ctx context.Context, id string, pid int, unit string) error
	// Failed records that the start failed, and why: exited, with the
	// exec error's code (126, 127) or 125.
	Failed(id string, cause error)
}

// Listen opens the socket on which the command that starts the unit of
// the plan nonce names hears podunit-start's reports (Serve).
func Listen(nonce string) (*net.UnixListener, error) {
	return net.ListenUnix("unix", &net.UnixAddr{Name: socketName(nonce), Net: "unix"})
}

// Served is how a start went, as its podunit-start reported it (Serve).
type Served int

const (
	// NotReported: no podunit-start reported to the end (none came, it
	// found no plan of its own, or it or the command gave up): the record
	// is the unit's to write, under the container's lock.
	NotReported Served = iota
	// ReportedRunning: recorded running, and no failure after.
	ReportedRunning
	// ReportedFailed: a failure was recorded, or the record refused.
	ReportedFailed
)

// Serve takes podunit-start's reports for container id from ln and
// records them with rec, until that podunit-start closes its end or ctx
// ends. A peer that is not root in cgroup, the unit's, is turned away (the
// socket's name is on the unit's ExecStart=, which anyone may read). It
// returns how the start went (serveConn); ln is closed on return, and an
// Accept that waits ends when the caller closes ln.
func Serve(ctx context.Context, ln *net.UnixListener, id, cgroup string, rec Recorder) Served {
	defer ln.Close()
	for {
		conn, err := ln.AcceptUnix()
		if err != nil {
			return NotReported
		}
		if pid, ok := peerRoot(conn); !ok || !inCgroup(pid, cgroup) {
			conn.Close()
			continue
		}
		ln.Close()
		return serveConn(ctx, conn, id, cgroup, rec)
	}
}

// serveConn tells podunit-start to go on, records its reports, and returns
// how the start went where it answered them all until podunit-start closed
// its end.
func serveConn(ctx context.Context, conn *net.UnixConn, id, cgroup string, rec Recorder) Served {
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	dec, enc := json.NewDecoder(bufio.NewReader(conn)), json.NewEncoder(conn)
	if enc.Encode(answer{}) != nil { // go: the bundle is made, the lock free
		return NotReported
	}
	unit, served := path.Base(cgroup), NotReported
	for {
		var r report
		if err := dec.Decode(&r); err != nil {
			// a podunit-start that found no plan of its own reports
			// nothing: the full unit-start it runs records
			if !errors.Is(err, io.EOF) {
				return NotReported
			}
			return served
		}
		var a answer
		switch {
		case r.Pid > 0:
			if err := rec.Running(ctx, id, r.Pid, unit); err != nil {
				a.Error = err.Error()
				served = ReportedFailed
			} else if served == NotReported {
				served = ReportedRunning
			}
		case r.Failed != "":
			rec.Failed(id, failure(r))
			served = ReportedFailed
		default:
			a.Error = "a report of nothing"
		}
		if enc.Encode(a) != nil {
			return NotReported
		}
	}
}

// failure is the error a Failed report stands for: the exec error of its
// code (126, 127), so the record keeps that code, or a plain one.
func failure(r report) error {
	if r.Code == 126 || r.Code == 127 {
		return &oci.ExecError{Code: r.Code, Msg: r.Failed}
	}
	return errors.New(r.Failed)
}

// peerRoot returns the pid of conn's peer, and whether it runs as this
// process's user (root: prepared starts are root's only).
func peerRoot(conn *net.UnixConn) (int, bool) {
	raw, err := conn.SyscallConn()
	if err != nil {
		return 0, false
	}
	var cred *unix.Ucred
	cerr := raw.Control(func(fd uintptr) {
		cred, err = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	})
	if cerr != nil || err != nil {
		return 0, false
	}
	return int(cred.Pid), int(cred.Uid) == os.Geteuid()
}

// inCgroup reports whether process pid runs in cgroup cg.
func inCgroup(pid int, cg string) bool {
	own, err := systemd.CgroupOf(pid)
	return err == nil && own == cg
}

// PlanEnv names, in the environment of the full unit-start that
// podunit-start executes, the nonce of the plan it hands over: unit-start
// takes that plan (with its init, where one was created) and records the
// start itself.
const PlanEnv = "PODUNIT_START_PLAN"

// errCommandGone is a report the command did not answer: the start is
// handed to the full unit-start (PlanEnv).
var errCommandGone = errors.New("the command that started the unit did not answer")

// commandRecorder is podunit-start's Recorder: it reports to the command
// over conn.
type commandRecorder struct {
	conn *net.UnixConn
	rd   *bufio.Reader
}

// dialCommand connects to the command that starts the unit of the plan
// nonce names, when it listens and runs as root, and waits for its word
// that the bundle and plan are made and the container's lock let go (the
// first answer Serve sends): no poll of the lock then. Its conn is nil
// where there is no such command.
func dialCommand(nonce string) *commandRecorder {
	r := &commandRecorder{}
	conn, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: socketName(nonce), Net: "unix"})
	if err != nil {
		return r
	}
	if _, root := peerRoot(conn); !root {
		conn.Close()
		return r
	}
	r.conn, r.rd = conn, bufio.NewReader(conn)
	if _, ok := r.answer(); !ok {
		r.drop()
	}
	return r
}

// ask sends rep to the command and returns its answer; ok is false when
// the command did not answer (gone), and the connection is then dropped.
func (r *commandRecorder) ask(rep report) (err error, ok bool) {
	if r.conn == nil {
		return nil, false
	}
	b, _ := json.Marshal(rep)
	if _, werr := r.conn.Write(append(b, '\n')); werr != nil {
		r.drop()
		return nil, false
	}
	err, ok = r.answer()
	if !ok {
		r.drop()
	}
	return err, ok
}

// answer reads the command's next answer.
func (r *commandRecorder) answer() (err error, ok bool) {
	var a answer
	line, rerr := r.rd.ReadBytes('\n')
	if rerr != nil || json.Unmarshal(line, &a) != nil {
		return nil, false
	}
	if a.Error != "" {
		return errors.New(a.Error), true
	}
	return nil, true
}

// drop gives up on the command.
func (r *commandRecorder) drop() {
	r.conn.Close()
	r.conn = nil
}

func (r *commandRecorder) Running(ctx context.Context, id string, pid int, unit string) error {
	if err, ok := r.ask(report{Pid: pid}); ok {
		return err
	}
	return errCommandGone
}

func (r *commandRecorder) Failed(id string, cause error) {
	rep := report{Failed: cause.Error(), Code: 125}
	if x, ok := oci.IsExecError(cause); ok {
		rep.Code = x.Code
	}
	_, _ = r.ask(rep) // unanswered: the unit's cleanup records the exit
}

// close ends the report: the command goes on when it sees the end.
func (r *commandRecorder) close() {
	if r.conn != nil {
		r.drop()
	}
}
