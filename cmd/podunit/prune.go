package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine"
)

// pruneIDs builds a `KIND prune [-f]` verb: after warning (unless -f) it
// runs prune and prints each removed ID, as Podman does.
func (a *app) pruneIDs(short, warning string, prune func(ctx context.Context, eng *engine.Engine) ([]string, error)) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "prune [options]",
		Short: short,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if ok, err := a.proceed(force, warning); !ok {
				return err
			}
			eng, err := a.engine()
			if err != nil {
				return err
			}
			ids, err := prune(a.ctx(cmd), eng)
			for _, id := range ids {
				fmt.Fprintln(a.out, id)
			}
			return err
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "do not ask for confirmation")
	return cmd
}

func (a *app) podPruneCommand() *cobra.Command {
	return a.pruneIDs("Remove every pod none of whose containers runs", "WARNING! This will remove all stopped/exited pods..",
		func(ctx context.Context, eng *engine.Engine) ([]string, error) { return eng.PodPrune(ctx) })
}
