package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/errdefs"
)

// existsVerb builds `KIND exists NAME`: exit 0 if find finds it, 1 if it
// is not found, 125 on any other error (Podman's codes).
func (a *app) existsVerb(kind string, find func(cmd *cobra.Command, eng *engine.Engine, ref string) error) *cobra.Command {
	return &cobra.Command{
		Use:   "exists " + strings.ToUpper(kind),
		Short: "Exit 0 if the " + kind + " exists, 1 if not",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := a.engine()
			if err != nil {
				return err
			}
			err = find(cmd, eng, args[0])
			if errdefs.IsNotFound(err) {
				a.exitCode = 1
				return nil
			}
			return err
		},
	}
}

// pruneVerb builds `KIND prune [-f]`: after a confirmation (unless -f), it
// removes what prune finds unused and prints each removed name.
func (a *app) pruneVerb(kinds, short string, prune func(cmd *cobra.Command, eng *engine.Engine) ([]string, error)) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "prune [flags]",
		Short: short,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			warning := fmt.Sprintf("WARNING! This will remove all %s not used by at least one container.", kinds)
			if !force && !a.confirm(warning) {
				return nil
			}
			eng, err := a.engine()
			if err != nil {
				return err
			}
			removed, err := prune(cmd, eng)
			for _, n := range removed {
				fmt.Fprintln(a.out, n)
			}
			return err
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "do not ask for confirmation")
	return cmd
}
