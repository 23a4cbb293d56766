package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/model"
)

func (a *app) pauseCommand() *cobra.Command {
	return a.freezeVerb("pause", "Pause all the processes in one or more containers", model.Running,
		func(eng *engine.Engine, ctx context.Context, ref string) error {
			_, err := eng.Pause(ctx, ref)
			return err
		})
}

func (a *app) unpauseCommand() *cobra.Command {
	return a.freezeVerb("unpause", "Unpause the processes in one or more containers", model.Paused,
		func(eng *engine.Engine, ctx context.Context, ref string) error {
			_, err := eng.Unpause(ctx, ref)
			return err
		})
}

// freezeVerb builds pause and unpause: each argument, or with --all every
// container in status from, printed as it succeeds.
func (a *app) freezeVerb(verb, short string, from model.Status, fn func(*engine.Engine, context.Context, string) error) *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:               verb + " [flags] CONTAINER [CONTAINER...]",
		ValidArgsFunction: a.completeNames(listContainerNames, false),
		Short:             short,
		Args:              argsUnlessAll(&all),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := a.engine()
			if err != nil {
				return err
			}
			if all {
				cs, err := eng.Containers(a.ctx(cmd))
				if err != nil {
					return err
				}
				for _, c := range cs {
					if c.State.Status == from {
						args = append(args, c.Name)
					}
				}
			}
			return a.forEach(args, func(ref string) error { return fn(eng, a.ctx(cmd), ref) })
		},
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, verb+" every container that can be")
	return cmd
}
