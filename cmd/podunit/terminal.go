package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/console"
	"github.com/podunit/podunit/engine/model"
)

// attachedStdio is what a container run in the foreground gets: this
// process's stdout and stderr, and its stdin when interactive (-i).
func (a *app) attachedStdio(interactive bool) engine.Stdio {
	stdio := engine.Stdio{Out: os.Stdout, Err: os.Stderr}
	if interactive {
		stdio.In = a.in
	}
	return stdio
}

// attachCommand connects this terminal to a unit container's terminal.
func (a *app) attachCommand() *cobra.Command {
	var detachKeys string
	var noStdin bool
	cmd := &cobra.Command{
		Use:   "attach [flags] CONTAINER",
		Short: "Attach to a running unit container: its terminal, or its output",
		Long: "Attach to the terminal of a running container started with -t (run -dit, start):\n" +
			"its output, and with -i your input; the terminal's size follows yours. The detach keys\n" +
			"leave it running; otherwise attach exits with the container's exit code.\n" +
			"A unit container without -t gives its output from now on (stdout and stderr, from the\n" +
			"journal) and gets the signals attach gets, until it exits; it takes no input.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			keys, err := console.ParseDetachKeys(detachKeys)
			if err != nil {
				return fmt.Errorf("invalid --detach-keys %w", err)
			}
			eng, err := a.engine()
			if err != nil {
				return err
			}
			o := engine.AttachOptions{In: a.in, Out: a.out, Err: a.err, DetachKeys: keys, Size: a.in}
			if noStdin {
				o.In = nil
			}
			code, err := eng.Attach(a.ctx(cmd), args[0], o)
			if errors.Is(err, engine.ErrDetached) {
				return nil
			}
			a.exitCode = code
			return err
		},
	}
	cmd.Flags().StringVar(&detachKeys, "detach-keys", console.DefaultDetachKeys,
		"keys that detach and leave the container running: ctrl-KEY or a character, comma-separated (\"\": none)")
	cmd.Flags().BoolVar(&noStdin, "no-stdin", false, "do not pass input to the container")
	return cmd
}

// consoleKeeperCommand holds a unit container's pty master (started by
// unit-start, with the console and attach sockets as descriptors 3 and 4).
// With --wait DIR it is an exec's waiter instead (console.WaitExec).
func (a *app) consoleKeeperCommand() *cobra.Command {
	var caller bool
	var wait string
	cmd := &cobra.Command{
		Use:    "console-keeper ID [--wait DIR -- ARGV...]",
		Short:  "Keep a container's terminal for attach (run by unit-start)",
		Hidden: true,
		Args:   cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if wait != "" {
				code, err := console.WaitExec(wait, os.NewFile(3, "report"), args[1:])
				a.exitCode = code
				return err
			}
			var callers []*os.File
			if caller {
				callers = append(callers, os.NewFile(5, "caller"))
			}
			return console.KeepFiles(os.NewFile(3, "console.sock"), os.NewFile(4, "attach.sock"), os.Stdout, callers...)
		},
	}
	cmd.Flags().BoolVar(&caller, "caller", false, "descriptor 5 is the first caller's connection (exec -it)")
	cmd.Flags().StringVar(&wait, "wait", "", "wait for an exec in the session directory DIR (descriptor 3: report)")
	return cmd
}

// inspectTerm is the terminal part of inspect's Config, as Podman has it.
type inspectTerm struct {
	Tty       bool `json:"Tty"`
	OpenStdin bool `json:"OpenStdin"`
}

func newInspectTerm(c model.TermConfig) inspectTerm {
	return inspectTerm{Tty: c.Tty, OpenStdin: c.Interactive}
}
