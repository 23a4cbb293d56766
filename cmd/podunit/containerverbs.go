package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine"
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
	return []*cobra.Command{a.portCommand(), a.containerPruneCommand(), a.consoleKeeperCommand(), a.execInspectCommand()}
}

func (a *app) containerPruneCommand() *cobra.Command {
	return a.pruneFiltered("Remove all non-running containers", "WARNING! This will remove all non running containers.",
		func(ctx context.Context, eng *engine.Engine, keep engine.PruneFilter) ([]string, error) {
			return eng.ContainerPrune(ctx, keep)
		})
}
