package unitstart

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"

	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/engine/oci"
	"github.com/podunit/podunit/engine/state"
	"github.com/podunit/podunit/engine/systemd"
)

// Main is podunit-start, a container unit's ExecStart= when the command
// that started the unit makes the bundle: NONCE PLAN LOCKS -- ARGV..., where
// ARGV is the full `container unit-start ID` command line and LOCKS the
// directory of the objects' locks. It waits for the container's lock, which
// that command holds until the bundle and the plan are made, takes the plan
// NONCE names and finishes the start (Run); without one, or in a unit other
// than the plan's, it lets go of the lock and executes ARGV. It returns the
// exit status.
func Main(args []string) int {
	if len(args) < 5 || args[3] != "--" {
		fmt.Fprintln(os.Stderr, "Error: usage: podunit-start NONCE PLAN LOCKS -- UNIT-START-COMMAND... (a container unit's ExecStart=)")
		return 125
	}
	nonce, planPath, lockDir, argv := args[0], args[1], args[2], args[4:]
	ctx := context.Background()
	if err := planned(ctx, nonce, planPath, lockDir, argv[len(argv)-1]); err != errNoPlan {
		if err != nil {
			fmt.Fprintf(os.Stderr, "Error: %s\n", err)
			if x, ok := oci.IsExecError(err); ok {
				return x.Code
			}
			return 125
		}
		return 0
	}
	err := unix.Exec(argv[0], argv, os.Environ())
	fmt.Fprintf(os.Stderr, "Error: running %s: %s\n", argv[0], err)
	return 125
}

// errNoPlan is a start with no plan of its own: the full unit-start's.
var errNoPlan = errors.New("no plan")

// planned takes container id's lock in lockDir, and the plan at path that
// nonce names, and runs it, letting go of the lock when it is done. The
// command that made the plan says when it let go of the lock, where it
// can be reached (dialCommand).
func planned(ctx context.Context, nonce, path, lockDir, id string) error {
	locks, err := state.NewLocks(lockDir)
	if err != nil {
		return err
	}
	rec := dialCommand(nonce)
	unlock, err := locks.Lock(ctx, id)
	if err != nil {
		rec.close()
		return err
	}
	defer unlock()
	defer rec.close() // before the unlock: the command waits for the report's end
	p, err := TakePlan(path, nonce)
	if err != nil {
		fmt.Fprintf(os.Stderr, "Warning: %s\n", err)
	}
	if p == nil || p.ID != id || !inCgroup(p.Cgroup) {
		return errNoPlan
	}
	if err := rec.open(p); err != nil {
		return fmt.Errorf("state database %s: %w", p.DB, err)
	}
	return Run(ctx, p, rec)
}

// inCgroup reports whether this process runs in the cgroup cg.
func inCgroup(cg string) bool {
	own, err := systemd.OwnCgroup()
	return err == nil && own == cg
}

// Run finishes the start p plans, in its unit, as unit-start does after the
// bundle (engine.UnitStart), with the container's lock held: the runtime's
// create, the init handed over, the record running (rec), READY=1 and the
// release; a failure is recorded before the caller lets go of the lock, for
// the command that started the unit waits for it.
func Run(ctx context.Context, p *Plan, rec Recorder) error {
	c, rt := p.container(), p.Runtime
	unit := path.Base(p.Cgroup)
	stdio, closeStdio, err := Stdio(c, unit)
	if err != nil {
		rec.Failed(c.ID, err)
		return err
	}
	defer closeStdio()
	pid, err := rt.Create(ctx, c.ID, p.Bundle, stdio)
	if err != nil {
		rec.Failed(c.ID, err)
		return err
	}
	if err := HandOver(pid); err != nil {
		_ = rt.Delete(ctx, c.ID, true)
		rec.Failed(c.ID, err)
		return err
	}
	if err := rec.Running(ctx, c.ID, pid, unit); err != nil {
		_ = rt.Delete(ctx, c.ID, true)
		return err
	}
	c.State.Pid, c.State.Unit = pid, unit
	return Release(ctx, rec, &rt, c, p.Bundle, NotifyReady)
}
