package main

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/docker/go-units"
	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine"
)

// dfRow is one line of `system df`: Podman's fields and columns.
type dfRow struct {
	Type           string
	Total          int
	Active         int
	Size           string
	Reclaimable    string
	RawSize        int64 `json:"-"`
	RawReclaimable int64 `json:"-"`
}

func newDfRow(d engine.DiskUsage) dfRow {
	pct := 0
	if d.Size > 0 {
		pct = int(math.Round(100 * float64(d.Reclaimable) / float64(d.Size)))
	}
	return dfRow{Type: d.Type, Total: d.Total, Active: d.Active, Size: units.HumanSize(float64(d.Size)),
		Reclaimable: fmt.Sprintf("%s (%d%%)", units.HumanSize(float64(d.Reclaimable)), pct),
		RawSize:     d.Size, RawReclaimable: d.Reclaimable}
}

func (a *app) systemDfCommand() *cobra.Command {
	var format string
	var verbose bool
	cmd := &cobra.Command{
		Use:   "df [options]",
		Short: "Show podunit disk usage",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if verbose {
				return a.systemDfVerbose(cmd, format)
			}
			eng, err := a.engine()
			if err != nil {
				return err
			}
			usage, err := eng.DiskUsage(a.ctx(cmd))
			if err != nil {
				return err
			}
			rows := make([]dfRow, 0, len(usage))
			for _, d := range usage {
				rows = append(rows, newDfRow(d))
			}
			return printList(a, listOutput{name: "system df", format: format,
				defaultFormat: "table {{.Type}}\t{{.Total}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}"},
				rows, func(r dfRow) string { return r.Type })
		},
	}
	cmd.Flags().StringVar(&format, "format", "", "Go template or json")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "show each image, container and volume")
	return cmd
}

func (a *app) systemPruneCommand() *cobra.Command {
	var o engine.PruneOptions
	var force bool
	var filters []string
	cmd := &cobra.Command{
		Use:   "prune [options]",
		Short: "Remove unused containers, pods, networks, images and (with --volumes) volumes",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) (err error) {
			if o.Filter, err = engine.CompilePruneFilter(filters, time.Now()); err != nil {
				return err
			}
			if ok, err := a.proceed(force, pruneWarning(o)); !ok {
				return err
			}
			eng, err := a.engine()
			if err != nil {
				return err
			}
			r, err := eng.SystemPrune(a.ctx(cmd), o)
			a.printPrune(r)
			return err
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.All, "all", "a", false, "remove every image no container uses, not only dangling ones")
	f.BoolVar(&o.Volumes, "volumes", false, "remove volumes no container uses too")
	f.BoolVarP(&force, "force", "f", false, "do not ask for confirmation")
	stringArrayVar(f, &filters, "filter", pruneFilterUsage)
	return cmd
}

// pruneWarning is Podman's list of what system prune removes.
func pruneWarning(o engine.PruneOptions) string {
	lines := []string{"WARNING! This command removes:", "\t- all stopped containers", "\t- all stopped pods",
		"\t- all networks not used by at least one container"}
	if o.Volumes {
		lines = append(lines, "\t- all volumes not used by at least one container")
	}
	if o.All {
		lines = append(lines, "\t- all images without at least one container associated with them")
	} else {
		lines = append(lines, "\t- all dangling images")
	}
	return strings.Join(lines, "\n") + "\n"
}

// printPrune prints each kind removed under its heading, then the space.
func (a *app) printPrune(r *engine.PruneReport) {
	for _, s := range []struct {
		head string
		ids  []string
	}{{"Deleted Containers", r.Containers}, {"Deleted Pods", r.Pods}, {"Deleted Networks", r.Networks},
		{"Deleted Volumes", r.Volumes}, {"Deleted Images", r.Images}} {
		if len(s.ids) > 0 {
			fmt.Fprintln(a.out, s.head)
			fmt.Fprintln(a.out, strings.Join(s.ids, "\n"))
		}
	}
	fmt.Fprintf(a.out, "Total reclaimed space: %s\n", units.HumanSize(float64(r.Reclaimed)))
}

func (a *app) systemResetCommand() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "reset [options]",
		Short: "Remove every podunit container, pod, volume, network and unused image",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			warning := "WARNING! This will remove:\n\t- all containers\n\t- all pods\n\t- all images\n" +
				"\t- all networks\n\t- all volumes\n\t- all secrets\n"
			if ok, err := a.proceed(force, warning); !ok {
				return err
			}
			a.cfg.LostState, a.cfg.SetAsideDamaged = true, true // reset works over lost and damaged records too
			eng, err := a.engine()
			if err != nil {
				return err
			}
			return eng.Reset(a.ctx(cmd))
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "do not ask for confirmation")
	return cmd
}
