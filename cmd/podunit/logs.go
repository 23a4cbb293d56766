package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"
	"go.podman.io/common/pkg/timetype"

	"github.com/podunit/podunit/engine"
)

func (a *app) logsCommand() *cobra.Command {
	var o engine.LogOptions
	var since, until string
	cmd := &cobra.Command{
		Use:   "logs [flags] CONTAINER",
		Short: "Show a container's output, kept in the journal under its unit",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if since != "" {
				t, err := parseSince(since)
				if err != nil {
					return err
				}
				o.Since = t
			}
			var err error
			if o.Until, err = optionalTime("--until", until); err != nil {
				return err
			}
			eng, err := a.engine()
			if err != nil {
				return err
			}
			return eng.Logs(a.ctx(cmd), args[0], o, a.out, a.err)
		},
	}
	cmd.Flags().BoolVarP(&o.Follow, "follow", "f", false, "keep printing new output")
	cmd.Flags().IntVarP(&o.Tail, "tail", "n", -1, "print only the last N lines (-1: all)")
	cmd.Flags().StringVar(&since, "since", "", "only output since a time: RFC 3339, Unix seconds or a duration such as 10m")
	logTimeFlags(cmd, &o, &until)
	return outsideFirst(cmd)
}

// logTimeFlags are logs' and pod logs' --until and --timestamps.
func logTimeFlags(cmd *cobra.Command, o *engine.LogOptions, until *string) {
	cmd.Flags().StringVar(until, "until", "", "only output until a time: RFC 3339, Unix seconds or a duration such as 10m")
	cmd.Flags().BoolVarP(&o.Timestamps, "timestamps", "t", false, "put each line's time before it")
}

// parseSince accepts what `podman logs --since` does.
func parseSince(s string) (time.Time, error) {
	ts, err := timetype.GetTimestamp(s, time.Now())
	if err != nil {
		return time.Time{}, fmt.Errorf("--since %q: %v", s, err)
	}
	sec, nsec, err := timetype.ParseTimestamps(ts, 0)
	if err != nil {
		return time.Time{}, fmt.Errorf("--since %q: %v", s, err)
	}
	return time.Unix(sec, nsec), nil
}

func (a *app) execCommand() *cobra.Command {
	var o engine.ExecOptions
	var interactive, detach bool
	var dk detachKeysFlag
	cmd := &cobra.Command{
		Use:   "exec [flags] CONTAINER COMMAND [ARG...]",
		Short: "Run a process in a running container",
		Args:  cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if o.DetachKeys, err = dk.parse(); err != nil {
				return err
			}
			eng, err := a.engine()
			if err != nil {
				return err
			}
			o.Args, o.Stdin, o.DetachKeysSpec = args[1:], interactive, dk.keys
			if detach {
				return a.execDetached(cmd, eng, args[0], o)
			}
			stdio := engine.Stdio{Out: os.Stdout, Err: os.Stderr}
			if interactive {
				stdio.In = a.in
			}
			code, err := eng.Exec(a.ctx(cmd), args[0], o, stdio)
			if errors.Is(err, engine.ErrDetached) {
				return nil // the process runs on
			}
			a.exitCode = code
			return err
		},
	}
	fs := cmd.Flags()
	fs.SetInterspersed(false)
	stringArrayVarP(fs, &o.Env, "env", "e", "set an environment variable")
	fs.StringVarP(&o.WorkingDir, "workdir", "w", "", "working directory")
	fs.StringVarP(&o.User, "user", "u", "", "user[:group]")
	fs.BoolVarP(&interactive, "interactive", "i", false, "keep stdin open")
	fs.BoolVarP(&o.Tty, "tty", "t", false, "allocate a terminal")
	fs.BoolVarP(&detach, "detach", "d", false, "run the process in the background and print its exec session's ID")
	dk.register(fs)
	return outsideFirst(cmd)
}

// unitStartCommand is what a container's unit runs as ExecStart=.
func (a *app) unitStartCommand() *cobra.Command {
	var initOnly bool
	cmd := &cobra.Command{
		Use:    "unit-start ID",
		Short:  "Start a container inside its systemd unit (run by systemd)",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := a.engine()
			if err != nil {
				return err
			}
			return eng.UnitStart(a.ctx(cmd), args[0], initOnly)
		},
	}
	cmd.Flags().BoolVar(&initOnly, "init", false, "only create the container (pod init)")
	return cmd
}

// unitStopCommand is what a container's unit runs as ExecStop=.
func (a *app) unitStopCommand() *cobra.Command {
	return outsideFirst(a.systemdVerb("unit-stop ID", "Stop a container's init, then kill it after the stop timeout (run by systemd)",
		func(ctx context.Context, eng *engine.Engine, ref string) error {
			pid, _ := strconv.Atoi(os.Getenv("MAINPID")) // unset: no main process
			return eng.UnitStop(ctx, ref, pid)
		}))
}

// cleanupCommand is what a container's unit runs as ExecStopPost=.
func (a *app) cleanupCommand() *cobra.Command {
	return a.systemdVerb("cleanup ID", "Record a container's exit and release it (run by systemd)",
		func(ctx context.Context, eng *engine.Engine, ref string) error {
			return eng.Cleanup(ctx, ref, os.Getenv("EXIT_CODE"), os.Getenv("EXIT_STATUS"))
		})
}

// systemdVerb is a hidden verb a unit runs on one object.
func (a *app) systemdVerb(use, short string, fn func(ctx context.Context, eng *engine.Engine, ref string) error) *cobra.Command {
	return &cobra.Command{
		Use:    use,
		Short:  short,
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := a.engine()
			if err != nil {
				return err
			}
			return fn(a.ctx(cmd), eng, args[0])
		},
	}
}
