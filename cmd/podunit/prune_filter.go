package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine"
)

// pruneFilterUsage is the --filter help of the prune verbs.
const pruneFilterUsage = "only what matches: label=KEY[=VALUE], label!=KEY[=VALUE], until=TIME"

// pruneFiltered builds a `KIND prune [-f] [--filter …]` verb: it checks the
// filters first (a bad one changes nothing), asks (unless -f), prunes what
// the filters allow and prints each removed ID or name.
func (a *app) pruneFiltered(short, warning string,
	prune func(ctx context.Context, eng *engine.Engine, keep engine.PruneFilter) ([]string, error)) *cobra.Command {
	var force bool
	var filters []string
	cmd := &cobra.Command{
		Use:   "prune [options]",
		Short: short,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			keep, err := engine.CompilePruneFilter(filters, time.Now())
			if err != nil {
				return err
			}
			if ok, err := a.proceed(force, warning); !ok {
				return err
			}
			eng, err := a.engine()
			if err != nil {
				return err
			}
			ids, err := prune(a.ctx(cmd), eng, keep)
			for _, id := range ids {
				fmt.Fprintln(a.out, id)
			}
			return err
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "do not ask for confirmation")
	stringArrayVar(cmd.Flags(), &filters, "filter", pruneFilterUsage)
	return cmd
}

func engineVolumePrune(ctx context.Context, eng *engine.Engine, keep engine.PruneFilter) ([]string, error) {
	return eng.VolumePruneFiltered(ctx, keep)
}
