package main

import "github.com/spf13/cobra"

// containerVerbs are the container verbs that live both at the top level
// and under `container`, beyond the life-cycle ones of addCommands.
func (a *app) containerVerbs() []func() *cobra.Command {
	return []func() *cobra.Command{
		a.topCommand, a.diffCommand, a.exportCommand, a.mountCommand, a.unmountCommand, a.renameCommand,
		a.cpCommand, a.pauseCommand, a.unpauseCommand, a.statsCommand, a.commitCommand,
	}
}
