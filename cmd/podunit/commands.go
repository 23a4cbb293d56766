package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

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
