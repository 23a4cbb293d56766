package engine

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/podunit/podunit/engine/model"
)

// keeperPidFile names, in a unit container's bundle, its console keeper's
// pid (startKeeper).
const keeperPidFile = "keeper.pid"

// keeperEndWait bounds how long unit-stop waits for the keeper: it ends
// once it has read the terminal to its end and its callers hung up, which
// it waits for 2 s at most (console's endWait).
const keeperEndWait = 5 * time.Second

// recordKeeper notes the keeper's pid for unit-stop (waitKeeper).
func recordKeeper(bundle string, pid int) {
	_ = os.WriteFile(filepath.Join(bundle, keeperPidFile), []byte(strconv.Itoa(pid)), 0o600)
}

// waitKeeper lets c's console keeper, if it has one, copy the terminal's
// last output to the journal and to its callers and end. unit-stop runs it
// once the container's init is gone: then systemd kills what is left in
// the unit at once (KillMode=mixed), and killed, the keeper lost what the
// container wrote last (`run -it ... sh -c 'stty size'` showed nothing).
func (e *Engine) waitKeeper(c *model.Container) {
	if c.ID == "" || !c.Config.Tty {
		return
	}
	b, err := os.ReadFile(filepath.Join(e.bundleDir(c.ID), keeperPidFile))
	if err != nil {
		return
	}
	if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
		waitGone(pid, keeperEndWait)
	}
}
