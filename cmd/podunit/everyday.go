//go:build !hotpath

package main

import (
	"github.com/spf13/cobra"
)

// addEverydayCommands adds the everyday verbs of issue 17 (info, version,
// events, login, image and pod extras) to the tree addCommands built.
func (a *app) addEverydayCommands(root *cobra.Command) {
	root.AddCommand(a.infoCommand(), a.versionCommand(), a.historyCommand(), a.loginCommand(), a.logoutCommand(),
		a.eventsCommand())
	subcommand(root, "image").AddCommand(a.historyCommand(), a.imageTreeCommand(), a.imagePruneCommand())
	a.addImageGroupAliases(root)
}

// subcommand is root's direct subcommand called name.
func subcommand(root *cobra.Command, name string) *cobra.Command {
	for _, c := range root.Commands() {
		if c.Name() == name {
			return c
		}
	}
	panic("no subcommand " + name) // a programming error: the tree is static
}
