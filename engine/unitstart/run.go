package unitstart

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"

	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/engine/locks"
	"github.com/podunit/podunit/engine/oci"
)

// Main is podunit-start, a container unit's ExecStart= when the command
// that started the unit makes the bundle: NONCE PLAN LOCKS -- ARGV..., where
// ARGV is the full `container unit-start ID` command line and LOCKS the
// directory of the objects' locks. It waits for the command's word and the
// container's lock, takes the plan NONCE names and finishes the start
// (Run), reporting it to the command. Without a plan of its own, or in a
// unit other than the plan's, it lets go of the lock and executes ARGV;
// without the command to report to, it executes ARGV with PlanEnv, which
// takes the plan over. It returns the exit status.
func Main(args []string) int {
	if len(args) < 5 || args[3] != "--" {
		fmt.Fprintln(os.Stderr, "Error: usage: podunit-start NONCE PLAN LOCKS -- UNIT-START-COMMAND... (a container unit's ExecStart=)")
		return 125
	}
	nonce, planPath, lockDir, argv := args[0], args[1], args[2], args[4:]
	env := os.Environ()
	switch err := planned(context.Background(), nonce, planPath, lockDir, argv[len(argv)-1]); {
	case err == nil:
		return 0
	case errors.Is(err, errHandOff):
		env = append(env, PlanEnv+"="+nonce)
	case !errors.Is(err, errNoPlan):
		fmt.Fprintf(os.Stderr, "Error: %s\n", err)
		if x, ok := oci.IsExecError(err); ok {
			return x.Code
		}
		return 125
	}
	err := unix.Exec(argv[0], argv, env)
	fmt.Fprintf(os.Stderr, "Error: running %s: %s\n", argv[0], err)
	return 125
}

var (
	// errNoPlan is a start with no plan of its own: the full unit-start's.
	errNoPlan = errors.New("no plan")
	// errHandOff is a planned start that the full unit-start finishes
	// (PlanEnv): there is no command to report to.
	errHandOff = errors.New("handed over")
)

// planned takes container id's lock in lockDir, and the plan at path that
// nonce names, and runs it, letting go of the lock when it is done. The
// command that made the plan says when it let go of the lock; without that
// command the plan is left to the full unit-start, and so is a start whose
// record the command did not write (the plan is written back, with the
// init's pid).
func planned(ctx context.Context, nonce, path, lockDir, id string) error {
	l, err := locks.New(lockDir)
	if err != nil {
		return err
	}
	rec := dialCommand(nonce)
	if rec.conn == nil {
		return errHandOff
	}
	unlock, err := l.Lock(ctx, id)
	if err != nil {
		rec.close()
		return err
	}
	defer unlock()
	defer rec.close() // before the unlock: the command waits for the report's end
	p := TakeOwnPlan(path, nonce, id)
	if p == nil {
		return errNoPlan
	}
	err = Run(ctx, p, rec)
	if errors.Is(err, errCommandGone) {
		if werr := WritePlan(p); werr != nil {
			return fmt.Errorf("%w, and the start cannot be handed over: %w", err, werr)
		}
		return errHandOff
	}
	return err
}

// Run finishes the start p plans, in its unit, as unit-start does after the
// bundle (engine.UnitStart), with the container's lock held: the runtime's
// create and the init handed over (unless p has its Pid already), the
// record running (rec), READY=1 and the release; a failure is recorded
// before the caller lets go of the lock, for the command that started the
// unit waits for it. An errCommandGone from rec leaves p.Pid created and
// handed over, waiting for its release.
func Run(ctx context.Context, p *Plan, rec Recorder) error {
	c, rt := p.container(), p.Runtime
	unit := path.Base(p.Cgroup)
	if p.Pid == 0 {
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
		p.Pid = pid
	}
	if err := rec.Running(ctx, c.ID, p.Pid, unit); err != nil {
		if !errors.Is(err, errCommandGone) {
			_ = rt.Delete(ctx, c.ID, true)
		}
		return err
	}
	c.State.Pid, c.State.Unit = p.Pid, unit
	return Release(ctx, rec, &rt, c, p.Bundle, NotifyReady)
}
