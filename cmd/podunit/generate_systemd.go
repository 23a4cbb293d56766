package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/generator/export"
)

func (a *app) generateSystemdCommand() *cobra.Command {
	var o export.Options
	var files bool
	var stopTimeout uint
	cmd := &cobra.Command{
		Use:   "systemd [flags] POD|CONTAINER",
		Short: "Write systemd units for an existing pod or container",
		Long: "Writes pod-NAME.service and container-NAME.service units (to stdout, or with --files to\n" +
			"files in the current directory). With --new the units create the pod and containers\n" +
			"when they start and remove them when they stop.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("stop-timeout") {
				o.StopTimeout = &stopTimeout
			}
			if !cmd.Flags().Changed("restart-policy") {
				o.RestartPolicy = "" // each container's own --restart, else on-failure
			}
			units, err := a.exportUnits(cmd, args[0], o)
			if err != nil {
				return err
			}
			return a.writeUnits(units, files)
		},
	}
	fs := cmd.Flags()
	fs.BoolVarP(&files, "files", "f", false, "write the units to files in the current directory")
	fs.BoolVar(&o.New, "new", false, "create the objects at start and remove them at stop")
	fs.Bool("name", true, "use names, not IDs, in unit names and commands (always on)")
	fs.StringVar(&o.RestartPolicy, "restart-policy", "on-failure", "systemd Restart= policy (default: the container's --restart, else on-failure)")
	fs.UintVar(&o.RestartSec, "restart-sec", 0, "systemd RestartSec= (0: systemd's default)")
	fs.UintVarP(&stopTimeout, "stop-timeout", "t", 10, "stop timeout in seconds (default: each container's own)")
	stringArrayVar(fs, &o.After, "after", "add After= on this unit")
	stringArrayVar(fs, &o.Wants, "wants", "add Wants= on this unit")
	stringArrayVar(fs, &o.Requires, "requires", "add Requires= on this unit")
	return cmd
}

// exportUnits finds ref as a pod, else as a container, and writes its units.
func (a *app) exportUnits(cmd *cobra.Command, ref string, o export.Options) ([]export.Unit, error) {
	eng, err := a.engine()
	if err != nil {
		return nil, err
	}
	if o.Binary, err = unitBinary(); err != nil {
		return nil, err
	}
	o.Globals = a.explicitGlobals(cmd)
	o.User = rootlessConfig().On
	o.SecretDir = engine.SecretDir(eng.Images().Root())
	ctx := a.ctx(cmd)
	if p, err := eng.Pod(ctx, ref); err == nil {
		members, err := eng.PodContainers(ctx, p)
		if err != nil {
			return nil, err
		}
		return export.Pod(p, members, o)
	} else if !errdefs.IsNotFound(err) {
		return nil, err
	}
	c, err := eng.Container(ctx, ref)
	if errdefs.IsNotFound(err) {
		return nil, fmt.Errorf("no pod or container with name or ID %q found: %w", ref, errdefs.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return a.exportContainer(cmd, eng, c, o)
}

// exportContainer writes one container's unit, or its whole pod's units.
func (a *app) exportContainer(cmd *cobra.Command, eng *engine.Engine, c *model.Container, o export.Options) ([]export.Unit, error) {
	if c.Config.Pod == "" {
		return export.ContainerUnits(withNetworkNames(a.ctx(cmd), eng, c), nil, o)
	}
	p, err := eng.Pod(a.ctx(cmd), c.Config.Pod)
	if err != nil {
		return nil, err
	}
	return export.ContainerUnits(c, p, o)
}

// explicitGlobals are the storage flags given on this command line, which
// the units must repeat to find the same storage.
func (a *app) explicitGlobals(cmd *cobra.Command) []string {
	var out []string
	for _, name := range []string{"root", "runroot", "storage-driver"} {
		if f := cmd.Flags().Lookup(name); f != nil && f.Changed {
			out = append(out, "--"+name, f.Value.String())
		}
	}
	return out
}

func (a *app) writeUnits(units []export.Unit, files bool) error {
	for _, u := range units {
		if !files {
			fmt.Fprintf(a.out, "%s\n", u.Text)
			continue
		}
		if err := os.WriteFile(u.Name, u.Text, 0o644); err != nil {
			return err
		}
		abs, _ := filepath.Abs(u.Name)
		fmt.Fprintln(a.out, abs)
	}
	return nil
}
