package main

import (
	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/model"
)

// containerVerbs are the container verbs that live both at the top level
// and under `container`, beyond the life-cycle ones of addCommands.
func (a *app) containerVerbs() []func() *cobra.Command {
	return []func() *cobra.Command{
		a.topCommand, a.diffCommand, a.exportCommand, a.mountCommand, a.unmountCommand, a.renameCommand,
		a.cpCommand, a.pauseCommand, a.unpauseCommand, a.statsCommand, a.commitCommand,
		a.attachCommand,
	}
}

// containerOnlyVerbs are the verbs of Podman's `container` group that
// either exist at the top level already (port) or only in the group (prune).
func (a *app) containerOnlyVerbs() []*cobra.Command {
	return []*cobra.Command{a.portCommand(), a.containerPruneCommand(), a.consoleKeeperCommand()}
}

func (a *app) containerPruneCommand() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "prune [flags]",
		Short: "Remove all non-running containers",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if ok, err := a.proceed(force, "WARNING! This will remove all non running containers."); !ok {
				return err
			}
			eng, err := a.engine()
			if err != nil {
				return err
			}
			cs, err := eng.Containers(a.ctx(cmd))
			if err != nil {
				return err
			}
			var ids []string
			for _, c := range cs {
				if c.State.Status == model.Created || c.State.Status == model.Exited {
					ids = append(ids, c.ID)
				}
			}
			return a.forEach(ids, func(id string) error {
				return eng.Remove(a.ctx(cmd), id, engine.RemoveOptions{})
			})
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "do not ask for confirmation")
	return cmd
}
