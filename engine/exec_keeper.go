package engine

import (
	"fmt"
	"os/exec"
	"syscall"

	"github.com/podunit/podunit/engine/console"
)

// execKeeper is the keeper process of an exec -it that may detach
// (podunit-console --caller): it holds the process's terminal, so the
// process keeps it when the caller leaves on the detach keys. It runs in
// its own session, with no output (an exec has no journal), and ends when
// the process's side of the terminal is gone.
type execKeeper struct {
	*console.Handed
	cmd *exec.Cmd
}

// startExecKeeper binds the console sockets in dir and starts the keeper
// for an exec in container id.
func (e *Engine) startExecKeeper(id, dir string) (*execKeeper, error) {
	h, err := console.NewHanded(dir)
	if err != nil {
		return nil, err
	}
	args := append(e.keeperArgs(id), "--caller")
	cmd := exec.Command(args[0], args[1:]...)
	cmd.ExtraFiles = h.KeeperFiles()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	err = cmd.Start()
	h.CloseFiles()
	if err != nil {
		h.Close()
		return nil, fmt.Errorf("starting the console keeper of an exec in %s: %w", id, err)
	}
	return &execKeeper{Handed: h, cmd: cmd}, nil
}

// Abort ends a keeper whose terminal never came.
func (k *execKeeper) Abort() { _ = k.cmd.Process.Kill() }

// Close drops the caller and waits for the keeper, which ends with the
// terminal.
func (k *execKeeper) Close() error {
	k.Handed.Close()
	_ = k.cmd.Wait()
	return nil
}
