package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine"
)

// networkPruneCommand is `network prune [-f] [--filter label=|label!=|until=]`:
// the networks no container or pod uses, but the default one, that match.
func (a *app) networkPruneCommand() *cobra.Command {
	var force bool
	var filters []string
	cmd := &cobra.Command{
		Use:   "prune [options]",
		Short: "Remove every network no container or pod uses (but the default)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			keep, err := engine.CompilePruneFilter(filters, time.Now())
			if err != nil {
				return err
			}
			if ok, err := a.proceed(force, "WARNING! This will remove all networks not used by at least one container."); !ok {
				return err
			}
			eng, err := a.engine()
			if err != nil {
				return err
			}
			names, err := eng.NetworkPrune(a.ctx(cmd), keep)
			for _, n := range names {
				fmt.Fprintln(a.out, n)
			}
			return err
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "do not ask for confirmation")
	stringArrayVar(cmd.Flags(), &filters, "filter", "only networks matching: label, label!, until (KEY=VALUE)")
	return cmd
}
