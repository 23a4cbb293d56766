//go:build !hotpath

package main

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/kube"
	"github.com/podunit/podunit/engine/model"
)

// generateKubeCommand is `generate kube` (and `kube generate`): Kubernetes
// YAML of pods and containers that kube play turns back into them.
func (a *app) generateKubeCommand() *cobra.Command {
	var file string
	cmd := &cobra.Command{
		Use:   "kube [flags] POD|CONTAINER...",
		Short: "Write Kubernetes YAML of pods and containers, for kube play here or on a cluster",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := a.engine()
			if err != nil {
				return err
			}
			var srcs []kube.Source
			for _, ref := range args {
				s, err := kubeSource(a.ctx(cmd), eng, ref)
				if err != nil {
					return err
				}
				srcs = append(srcs, s)
			}
			data, warnings, err := kube.Generate(srcs)
			if err != nil {
				return err
			}
			for _, w := range warnings {
				fmt.Fprintln(a.err, "WARN:", w)
			}
			if file != "" {
				return os.WriteFile(file, data, 0o644)
			}
			_, err = a.out.Write(data)
			return err
		},
	}
	cmd.Flags().StringVarP(&file, "filename", "f", "", "write the YAML to this file")
	return cmd
}

// kubeSource is pod ref with its members or, failing that, container ref.
func kubeSource(ctx context.Context, eng *engine.Engine, ref string) (kube.Source, error) {
	p, err := eng.Pod(ctx, ref)
	if err == nil {
		members, err := eng.PodContainers(ctx, p)
		if err != nil {
			return kube.Source{}, err
		}
		if len(members) == 0 {
			return kube.Source{}, fmt.Errorf("pod %s has no containers to write: %w", p.Name, errdefs.ErrInvalidArgument)
		}
		return kube.Source{Pod: p, Members: members}, nil
	}
	if !errdefs.IsNotFound(err) {
		return kube.Source{}, err
	}
	c, err := eng.Container(ctx, ref)
	if err != nil {
		return kube.Source{}, fmt.Errorf("no pod or container %q: %w", ref, errdefs.ErrNotFound)
	}
	if c.Config.Pod != "" {
		return kube.Source{}, fmt.Errorf("container %s belongs to a pod: generate kube of the pod: %w", c.Name, errdefs.ErrInvalidArgument)
	}
	return kube.Source{Members: []*model.Container{c}}, nil
}
