//go:build !hotpath

package main

import "github.com/spf13/cobra"

// The whole command tree is in the full binary only; the hot-path binary
// (build tag hotpath, hot.go) has the fast branches and runs every other
// command line in the full binary.

// rootCommand is the root with every verb.
func (a *app) rootCommand() *cobra.Command {
	root := a.bareRoot()
	a.addCommands(root)
	return root
}

// rootCommandFor is the root command for one command line: the fast branch
// args name (fastRootFor), else the whole tree.
func (a *app) rootCommandFor(args []string) *cobra.Command {
	if root := a.fastRootFor(args); root != nil {
		return root
	}
	return a.rootCommand()
}

// addCommands builds the verb tree: container verbs at the top level (as
// Podman and Docker have them) and again under `container`.
func (a *app) addCommands(root *cobra.Command) {
	containerCmd := containerGroup()
	for _, mk := range []func() *cobra.Command{
		a.runCommand, a.createCommand, a.startCommand, a.stopCommand, a.killCommand,
		a.restartCommand, a.rmCommand, a.psCommand, a.inspectCommand, a.waitCommand,
		a.execCommand, a.logsCommand,
	} {
		root.AddCommand(mk())
		containerCmd.AddCommand(mk())
	}
	for _, mk := range a.containerVerbs() {
		root.AddCommand(mk())
		containerCmd.AddCommand(mk())
	}
	containerCmd.AddCommand(a.containerOnlyVerbs()...)
	containerCmd.AddCommand(a.containerExistsCommand(), a.unitStartCommand(), a.unitStopCommand(), a.cleanupCommand())
	ps := a.psCommand()
	ps.Use, ps.Aliases = "list", []string{"ls"}
	containerCmd.AddCommand(ps)
	pod := a.podGroup()
	root.AddCommand(containerCmd, pod, a.imageCommand(), a.imagesCommand(), a.loadCommand(),
		a.rmiCommand(), a.tagCommand(), a.importCommand(), a.generateCommand(), a.pullCommand(), a.pushCommand(), a.saveCommand(), a.volumeCommand())
	root.AddCommand(a.secretCommand(), a.healthcheckCommand())
	root.AddCommand(a.autoUpdateCommand())
	root.AddCommand(a.networkCommand(), a.portCommand(), a.systemCommand())
	root.AddCommand(a.quadletCommand())
	root.AddCommand(a.kubeCommand())
	a.addSupportCommands(root)
	a.addEverydayCommands(root)
	root.InitDefaultCompletionCmd()
	requireSubcommands(root)
}

// generateCommand is `podunit generate`: check and systemd.
func (a *app) generateCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "generate", Short: "Generate and check systemd units"}
	cmd.AddCommand(a.generateCheckCommand(), a.generateSystemdCommand())
	cmd.AddCommand(a.generateKubeCommand())
	return cmd
}
