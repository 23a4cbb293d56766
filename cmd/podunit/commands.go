package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

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
	pod := a.podCommand()
	pod.AddCommand(a.podPruneCommand())
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

// containerGroup is the `container` command group, without its verbs.
func containerGroup() *cobra.Command {
	return &cobra.Command{Use: "container", Short: "Manage containers"}
}

// requireSubcommands makes every command group below root refuse what is
// not one of its verbs, as Podman does (exit 125), instead of cobra's help
// and exit 0. cobra itself does this for the root only.
func requireSubcommands(root *cobra.Command) {
	for _, c := range root.Commands() {
		requireSubcommands(c)
		if c.HasSubCommands() && !c.Runnable() {
			c.Args = cobra.ArbitraryArgs
			c.RunE = unknownSubcommand
			c.SuggestionsMinimumDistance = 2 // cobra's default, which it sets on the root only
		}
	}
}

// unknownSubcommand is the RunE of a command group: reached only when the
// first argument is none of the group's verbs (or there is none).
func unknownSubcommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		_ = cmd.Help()
		return fmt.Errorf("missing command '%s COMMAND'", cmd.CommandPath())
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += "\n\nDid you mean this?\n\t" + strings.Join(s, "\n\t")
	}
	return fmt.Errorf("%s\nSee '%s --help'", msg, cmd.CommandPath())
}
