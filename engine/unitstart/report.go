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
	"github.com/podunit/podunit/engine/state"
	"github.com/podunit/podunit/engine/systemd"
)

// A prepared start's record is written by the command that made the plan:
// it has the state database open already, and podunit-start then opens no
// database (its open, update and checkpoint were a quarter of its CPU). The
// command listens on an abstract socket that the plan's nonce names before
// it queues the unit; podunit-start, holding the container's lock, reports
// over it what the record must say (the init handed over, or the start
// failed) and waits for the answer before it goes on, so the record is
// written under podunit-start's lock and before the init runs, as in
// unit-start. When the command cannot be reached (it died, or never
// listened), or stops answering, podunit-start writes the record itself:
// nothing a command's death interrupts is left unrecorded.

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
	// systemd, as running (Started).
	Running(ctx context.Context, id string, pid int, unit string) error
	// Failed records that the start failed, and why (RecordFailure).
	Failed(id string, cause error)
}

// StoreRecorder records in st.
func StoreRecorder(st *state.Store) Recorder { return storeRecorder{st} }

type storeRecorder struct{ st *state.Store }

func (r storeRecorder) Running(ctx context.Context, id string, pid int, unit string) error {
	_, err := r.st.UpdateContainer(ctx, id, Started(true, pid, unit))
	return err
}

func (r storeRecorder) Failed(id string, cause error) { RecordFailure(r.st, id, cause) }

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
		if pid, ok := peerRoot(conn); !ok || !inCgroupOf(pid, cgroup) {
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

// inCgroupOf reports whether process pid runs in cgroup cg.
func inCgroupOf(pid int, cg string) bool {
	own, err := systemd.CgroupOf(pid)
	return err == nil && own == cg
}

// commandRecorder is podunit-start's Recorder: it reports to the command
// over conn, and where the command cannot be reached, or stops answering,
// records in the state database itself.
type commandRecorder struct {
	conn  *net.UnixConn
	rd    *bufio.Reader
	db    string
	local *state.Store
}

// dialCommand connects to the command that starts the unit of the plan
// nonce names, when it listens and runs as root, and waits for its word
// that the bundle and plan are made and the container's lock let go (the
// first answer Serve sends): no poll of the lock then. Without a command
// it returns a recorder that records in the state database (open).
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

// open readies r to record plan p's start: with no command to report to,
// it opens the state database now, so that a lost one is refused before
// anything starts.
func (r *commandRecorder) open(p *Plan) error {
	r.db = p.DB
	if r.conn != nil {
		return nil
	}
	_, err := r.store()
	return err
}

// reportTo is dialCommand and open: the Recorder of plan p's start.
func reportTo(p *Plan) (*commandRecorder, error) {
	r := dialCommand(p.Nonce)
	if err := r.open(p); err != nil {
		r.close()
		return nil, err
	}
	return r, nil
}

// store opens the state database, once.
func (r *commandRecorder) store() (*state.Store, error) {
	if r.local != nil {
		return r.local, nil
	}
	st, err := state.OpenChecked(r.db, func() error { // the command that made the plan had one
		return errors.New("it has no records (lost?): not starting the container")
	})
	if err != nil {
		return nil, err
	}
	r.local = st
	return st, nil
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
	st, err := r.store()
	if err != nil {
		return err
	}
	return storeRecorder{st}.Running(ctx, id, pid, unit)
}

func (r *commandRecorder) Failed(id string, cause error) {
	rep := report{Failed: cause.Error(), Code: 125}
	if x, ok := oci.IsExecError(cause); ok {
		rep.Code = x.Code
	}
	if _, ok := r.ask(rep); ok {
		return
	}
	if st, err := r.store(); err == nil {
		RecordFailure(st, id, cause)
	}
}

// close ends the report (the command goes on when it sees the end) and
// closes the database where it was opened, checkpointing its WAL.
func (r *commandRecorder) close() {
	if r.conn != nil {
		r.conn.Close()
	}
	if r.local != nil {
		_ = r.local.Close()
	}
}
