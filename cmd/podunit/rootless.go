package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/rootless"
)

// awaitUserns is main's first step in a podunit that enterUserns started:
// it waits until the user namespace is mapped, and returns the pipe to ask
// the parent through to run the command in another namespace (nil where
// no parent listens).
func awaitUserns() *os.File {
	join, err := rootless.AwaitMaps()
	if err != nil {
		fmt.Fprintf(os.Stderr, "Error: %s\n", err)
		os.Exit(exitEngine)
	}
	return join
}

// askedToJoin: err says the command needs a running container's user
// namespace, and the parent outside, told through join, will run it again
// there.
func askedToJoin(err error, join *os.File) bool {
	var nh *rootless.NotHereError
	return errors.As(err, &nh) && rootless.AskJoin(join, nh.PID)
}

// notHere: err says the command needs another user namespace.
func notHere(err error) bool {
	var nh *rootless.NotHereError
	return errors.As(err, &nh)
}

// reexited ends a command that ran again in a user namespace: the parent
// exits with the child's code and says nothing more.
type reexited struct{ code int }

func (r *reexited) Error() string { return fmt.Sprintf("re-executed, exit code %d", r.code) }

// reexitCode reports the exit code of a command that ran in a child.
func reexitCode(err error) (int, bool) {
	var r *reexited
	if errors.As(err, &r) {
		return r.code, true
	}
	return 0, false
}

// noUserns are the commands that touch no storage and state: they run
// as the user, outside any namespace.
var noUserns = map[string]bool{"help": true, "completion": true, "internal": true, "quadlet": true,
	"__complete": true, "__completeNoDesc": true}

// beginsOutside marks the commands a rootless podunit begins as the user
// on the host, in no user namespace (engine.Rootless.Outside), because the
// namespace's making (a second podunit, newuidmap, newgidmap) bought them
// nothing or was undone at once: the record readers (ps, inspect, pod ps
// and inspect, volume ls and inspect, the exists of containers, pods and
// volumes, logs and pod logs, whose journalctl reads the same files as the
// user either way), which read the user's own files; and the verbs that
// work in a running container (exec, healthcheck run, top, cp), which a
// namespace of their own sent to the container's anyway. Each does nothing
// before the engine says where it must go instead (leaveOutside). stop and
// kill (and a rootless unit's ExecStop=, unit-stop) go through the user's
// manager or signal the init, which the user may do from outside, and wait
// reads records; as they act on several containers one by one, printing
// each, they begin outside only for one ("one"): a later one sent inside
// would repeat the first.
const beginsOutside = "podunit/begins-outside"

// outsideFirst marks cmd beginsOutside and returns it.
func outsideFirst(cmd *cobra.Command) *cobra.Command { return markOutside(cmd, "yes") }

// outsideFirstOne marks cmd beginsOutside for one argument.
func outsideFirstOne(cmd *cobra.Command) *cobra.Command { return markOutside(cmd, "one") }

func markOutside(cmd *cobra.Command, how string) *cobra.Command {
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[beginsOutside] = how
	return cmd
}

// enterUserns runs the command line again in a user namespace of the
// calling user's (rootless podunit), before any of its work; as root, or
// once in the namespace, it does nothing.
func (a *app) enterUserns(cmd *cobra.Command, args []string) error {
	if !rootless.Needed() || skipsUserns(cmd) {
		return nil
	}
	if how := cmd.Annotations[beginsOutside]; how == "yes" || how == "one" && len(args) == 1 {
		a.outside = true
		return nil
	}
	return reenterUserns()
}

// reenterUserns runs this command line again in a user namespace of the
// calling user's and reports its exit code as a reexited error.
func reenterUserns() error {
	return inUserns(func(plan rootless.Plan, self string, env []string) (int, error) {
		return rootless.Reexec(plan, self, os.Args, env)
	})
}

// leaveOutside takes the error of a command that began outside the user
// namespace (beginsOutside): where it needs the namespace, the command line
// runs again in one of its own; where it needs a running container's, in
// that one (pid's). Any other error is the command's.
func leaveOutside(err error) error {
	var nh *rootless.NotHereError
	switch {
	case errors.Is(err, rootless.ErrOutside):
		return reenterUserns()
	case errors.As(err, &nh):
		return inUserns(func(plan rootless.Plan, self string, env []string) (int, error) {
			return rootless.Rejoin(plan, nh.PID, self, os.Args, env)
		})
	}
	return err
}

// inUserns plans the calling user's namespace and runs the command line
// again through run, reporting its exit code as a reexited error.
func inUserns(run func(plan rootless.Plan, self string, env []string) (int, error)) error {
	plan, err := rootless.Prepare(rootless.Host{}, os.Getuid(), os.Getgid())
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("finding the podunit binary: %w", err)
	}
	env := os.Environ()
	if hotBinary != "" {
		env = append(env, envHotBinary+"="+hotBinary)
	}
	code, err := run(plan, self, env)
	if err != nil {
		return err
	}
	return &reexited{code: code}
}

// skipsUserns: the command, or the group it is in, needs no namespace.
func skipsUserns(cmd *cobra.Command) bool {
	for c := cmd; c != nil && c.HasParent(); c = c.Parent() {
		if noUserns[c.Name()] || (c.Name() == "check" && c.Parent().Name() == "generate") {
			return true
		}
	}
	return false
}

// rootlessConfig tells the engine whom it works for in a user namespace,
// or, outside one (beginsOutside), as the user.
func (a *app) rootlessConfig() engine.Rootless {
	if a.outside {
		return engine.Rootless{On: true, Outside: true, UID: os.Getuid(), GID: os.Getgid(),
			RuntimeDir: os.Getenv("XDG_RUNTIME_DIR")}
	}
	return rootlessConfig()
}

// rootlessConfig tells the engine whom it works for in a user namespace.
func rootlessConfig() engine.Rootless {
	uid, gid, ok := rootless.Identity()
	return engine.Rootless{On: ok, UID: uid, GID: gid, RuntimeDir: os.Getenv("XDG_RUNTIME_DIR")}
}

// rootlessUnits checks, for a rootless caller, that what (a verb that
// makes a unit) can reach the user's systemd manager.
func rootlessUnits(what string) error {
	uid, _, ok := rootless.Identity()
	if !ok {
		return nil
	}
	return rootless.UserManager(what, os.Getenv("XDG_RUNTIME_DIR"), uid)
}
