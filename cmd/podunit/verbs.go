package main

import (
	"context"
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

// pruneVerb builds `KIND prune [-f]` for kinds that containers use: after a
// confirmation (unless -f), it removes what prune finds unused and prints
// each removed name.
func (a *app) pruneVerb(kinds, short string, prune func(cmd *cobra.Command, eng *engine.Engine) ([]string, error)) *cobra.Command {
	var cmd *cobra.Command
	cmd = a.pruneIDs(short, fmt.Sprintf("WARNING! This will remove all %s not used by at least one container.", kinds),
		func(_ context.Context, eng *engine.Engine) ([]string, error) { return prune(cmd, eng) })
	return cmd
}
