package main

import "github.com/spf13/cobra"

// addCommands builds the verb tree: container verbs at the top level (as
// Podman and Docker have them) and again under `container`.
func (a *app) addCommands(root *cobra.Command) {
	containerCmd := &cobra.Command{Use: "container", Short: "Manage containers"}
	for _, mk := range []func() *cobra.Command{
		a.runCommand, a.createCommand, a.startCommand, a.stopCommand, a.killCommand,
		a.restartCommand, a.rmCommand, a.psCommand, a.inspectCommand, a.waitCommand,
		a.execCommand, a.logsCommand,
	} {
		root.AddCommand(mk())
		containerCmd.AddCommand(mk())
	}
	containerCmd.AddCommand(a.containerExistsCommand(), a.unitStartCommand(), a.cleanupCommand())
	ps := a.psCommand()
	ps.Use, ps.Aliases = "list", []string{"ls"}
	containerCmd.AddCommand(ps)
	pod := a.podCommand()
	pod.AddCommand(a.podPruneCommand())
	root.AddCommand(containerCmd, pod, a.imageCommand(), a.imagesCommand(), a.loadCommand(),
		a.rmiCommand(), a.tagCommand(), a.importCommand(), a.generateCommand(), a.pullCommand(), a.pushCommand(), a.saveCommand(), a.volumeCommand())
	root.AddCommand(a.networkCommand(), a.portCommand(), a.systemCommand())
	a.addSupportCommands(root)
}
