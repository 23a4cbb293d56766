package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/model"
)

func (a *app) runCommand() *cobra.Command {
	var f createFlags
	var detach, inUnit bool
	var dk detachKeysFlag
	cmd := &cobra.Command{
		Use:   "run [flags] IMAGE [COMMAND [ARG...]]",
		Short: "Run a command in a new container",
		Long: "Run a command in a new container. Attached, podunit waits for it and exits with its code;\n" +
			"with -d it becomes a transient systemd unit whose main process is the container's init.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			unitAttached, err := attachedInUnit(dk, "run", !detach && !inUnit, f.term.tty, f.term.interactive)
			if err != nil {
				return err
			}
			o, err := f.options(cmd, args)
			if err != nil {
				return err
			}
			eng, err := a.engine()
			if err != nil {
				return err
			}
			if !inUnit {
				eng.ConnectSoon(a.ctx(cmd), detach || unitAttached)
			}
			if err := a.pullIfNeeded(cmd, o.Image, f.pull, f.meta.pull); err != nil {
				return err
			}
			if inUnit {
				_, err := eng.RunInUnit(a.ctx(cmd), o)
				return err
			}
			if detach {
				if err := requireSystemd("run -d"); err != nil {
					return err
				}
			}
			c, err := eng.Create(a.ctx(cmd), o)
			if err != nil {
				return err
			}
			if detach {
				return a.startDetached(cmd, eng, c)
			}
			if unitAttached {
				return a.runCreatedInUnit(cmd, eng, c, dk)
			}
			return a.runAttached(cmd, eng, c)
		},
	}
	f.register(cmd.Flags())
	dk.register(cmd.Flags())
	cmd.Flags().BoolVarP(&detach, "detach", "d", false, "run in the background as a systemd unit and print the container ID")
	cmd.Flags().BoolVar(&inUnit, "unit", false, "run as the ExecStart= of a unit file: start the container in this unit and exit")
	return cmd
}

func (a *app) startDetached(cmd *cobra.Command, eng *engine.Engine, c *model.Container) error {
	_, err := eng.StartUnit(a.ctx(cmd), c.ID)
	if err != nil {
		a.removeIfRm(eng, c, err)
		return err
	}
	fmt.Fprintln(a.out, c.ID)
	return nil
}

func (a *app) runAttached(cmd *cobra.Command, eng *engine.Engine, c *model.Container) error {
	code, err := eng.StartAttached(a.ctx(cmd), c.ID, a.attachedStdio(c.Config.Interactive))
	if err != nil {
		a.removeIfRm(eng, c, err)
		return err
	}
	a.exitCode = code
	return nil
}

// removeIfRm removes an --rm container whose start failed, and any this
// run made whose start must run in another user namespace (a rootless pod
// member that began meanwhile): the run runs again there and makes it anew.
func (a *app) removeIfRm(eng *engine.Engine, c *model.Container, err error) {
	if c.Config.Remove || notHere(err) {
		_ = eng.Remove(context.Background(), c.ID, engine.RemoveOptions{Force: true})
	}
}
