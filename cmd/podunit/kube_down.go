//go:build !hotpath

package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/kube"
)

func (a *app) kubeDownCommand() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "down FILE|-",
		Short: "Remove the pods and secrets that kube play made from the YAML (claims' volumes stay unless --force)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			docs, err := readKube(args[0], nil)
			if err != nil {
				return err
			}
			pods, vols := kube.Owned(docs)
			eng, err := a.engine()
			if err != nil {
				return err
			}
			ctx := a.ctx(cmd)
			var ids []string
			for _, p := range pods {
				if pod, err := eng.Pod(ctx, p.Name); err == nil {
					ids = append(ids, pod.ID)
				} else if !errdefs.IsNotFound(err) {
					return err
				}
			}
			if err := kubeRemovePods(ctx, eng, pods, vols); err != nil {
				return err
			}
			if err := kubeRemoveSecrets(ctx, eng, sortedKeys(docs.Secrets)); err != nil {
				return err
			}
			if force {
				if err := kubeRemoveClaims(ctx, eng, kube.ClaimVolumes(docs)); err != nil {
					return err
				}
			}
			fmt.Fprintln(a.out, "Pods removed:")
			for _, id := range ids {
				fmt.Fprintln(a.out, id)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "remove the volumes of the YAML's PersistentVolumeClaims too")
	return cmd
}

// kubeRemoveClaims removes the claims' volumes that exist.
func kubeRemoveClaims(ctx context.Context, eng *engine.Engine, names []string) error {
	var errs []error
	for _, n := range names {
		if err := eng.VolumeRemove(ctx, n, true); err != nil && !errdefs.IsNotFound(err) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
