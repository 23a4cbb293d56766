//go:build !hotpath

package main

import (
	"context"
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/systemd"
	"github.com/podunit/podunit/generator"
	"github.com/podunit/podunit/generator/quadletdir"
)

// quadletRow is one line of `quadlet list` (Podman's fields).
type quadletRow struct {
	Name     string `json:"Name"`
	UnitName string `json:"UnitName"`
	Path     string `json:"Path"`
	Status   string `json:"Status"`
	App      string `json:"App"`
}

func (a *app) quadletListCommand() *cobra.Command {
	var o listOutput
	var filters []string
	cmd := &cobra.Command{
		Use:     "list [flags]",
		Aliases: []string{"ls"},
		Short:   "List the Quadlet files on the search path, their units and the units' state",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			match, err := quadletNameFilter(filters)
			if err != nil {
				return err
			}
			rows, err := quadletRows(a.ctx(cmd), true)
			if err != nil {
				return err
			}
			var out []quadletRow
			for _, r := range rows {
				if match(r.Name) {
					out = append(out, r)
				}
			}
			o.name, o.defaultFormat = "quadlet list", "table {{.Name}}\t{{.UnitName}}\t{{.Path}}\t{{.Status}}\t{{.App}}"
			o.headers = map[string]string{"UnitName": "UNIT NAME", "Path": "PATH ON DISK", "App": "APPLICATION"}
			return printList(a, o, out, func(r quadletRow) string { return r.Name })
		},
	}
	cmd.Flags().StringVar(&o.format, "format", "", "json or a Go template ({{.Name}} {{.UnitName}} {{.Path}} {{.Status}} {{.App}})")
	stringArrayVarP(cmd.Flags(), &filters, "filter", "f", "show only quadlets whose name matches: name=GLOB")
	return cmd
}

// quadletNameFilter compiles --filter name=GLOB (values of the key OR).
func quadletNameFilter(filters []string) (func(string) bool, error) {
	var globs []string
	for _, f := range filters {
		k, v, ok := strings.Cut(f, "=")
		if !ok || k != "name" {
			return nil, fmt.Errorf("invalid --filter %q: quadlet list filters by name=GLOB: %w", f, errdefs.ErrInvalidArgument)
		}
		if _, err := path.Match(v, ""); err != nil {
			return nil, fmt.Errorf("invalid --filter %q: %w: %w", f, errdefs.ErrInvalidArgument, err)
		}
		globs = append(globs, v)
	}
	return func(name string) bool {
		for _, g := range globs {
			if ok, _ := path.Match(g, name); ok {
				return true
			}
		}
		return len(globs) == 0
	}, nil
}

// quadletRows lists every source on the search path with the unit the
// generator makes of it ("" for a broken one), its application, and with
// status the unit's state in systemd ("Not loaded" when systemd does not
// have it, or does not run).
func quadletRows(ctx context.Context, status bool) ([]quadletRow, error) {
	cfg, dir := quadletConfig()
	res, err := generator.Generate(cfg)
	if err != nil {
		return nil, err
	}
	apps, err := quadletdir.Apps(dir)
	if err != nil {
		return nil, err
	}
	unitOf := serviceOf(res)
	var conn *systemd.Conn
	if status && systemd.Available() {
		if conn, err = systemd.Connect(ctx); err != nil {
			return nil, err
		}
		defer conn.Close()
	}
	var rows []quadletRow
	for _, src := range res.Sources {
		r := quadletRow{Name: filepath.Base(src), UnitName: unitOf[src], Path: src, Status: "Not loaded"}
		if filepath.Dir(src) == filepath.Clean(dir) {
			r.App = apps[r.Name]
		}
		if conn != nil && r.UnitName != "" {
			if st, err := conn.State(ctx, r.UnitName); err == nil && st.LoadState == "loaded" {
				r.Status = st.ActiveState + "/" + st.SubState
			}
		}
		rows = append(rows, r)
	}
	return rows, nil
}

func (a *app) quadletRmCommand() *cobra.Command {
	var all, force, ignore, reload bool
	cmd := &cobra.Command{
		Use:     "rm [flags] QUADLET|APPLICATION [...]",
		Aliases: []string{"remove"},
		Short:   "Remove installed Quadlet files (a member of an application removes the whole application)",
		RunE: func(cmd *cobra.Command, args []string) error {
			if (len(args) == 0) == !all {
				return fmt.Errorf("name quadlets or applications to remove, or --all, not both: %w", errdefs.ErrInvalidArgument)
			}
			_, dir := quadletConfig()
			targets, err := quadletdir.Resolve(dir, args, all, ignore)
			if err != nil {
				return quadletError(err)
			}
			if err := a.stopQuadletUnits(a.ctx(cmd), targets, force); err != nil {
				return err
			}
			for _, t := range targets {
				if err := quadletdir.Remove(t); err != nil {
					return err
				}
				fmt.Fprintln(a.out, t.Name)
			}
			return a.reloadSystemd(a.ctx(cmd), reload)
		},
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, "remove every installed quadlet")
	cmd.Flags().BoolVarP(&force, "force", "f", false, "stop running units first")
	cmd.Flags().BoolVarP(&ignore, "ignore", "i", false, "no error for quadlets that are not installed")
	cmd.Flags().BoolVar(&reload, "reload-systemd", true, "reload systemd after removing (daemon-reload)")
	return cmd
}

// stopQuadletUnits refuses to remove the source of a running unit unless
// force, which stops it first; before anything is removed.
func (a *app) stopQuadletUnits(ctx context.Context, targets []quadletdir.Target, force bool) error {
	rows, err := quadletRows(ctx, false)
	if err != nil || !systemd.Available() {
		return err
	}
	unitOf := map[string]string{}
	for _, r := range rows {
		unitOf[r.Path] = r.UnitName
	}
	conn, err := systemd.Connect(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, t := range targets {
		for _, src := range t.Sources {
			unit := unitOf[src]
			if unit == "" {
				continue
			}
			st, err := conn.State(ctx, unit)
			if err != nil || st.ActiveState == "inactive" || st.ActiveState == "failed" {
				continue
			}
			if !force {
				return fmt.Errorf("quadlet %s: its unit %s is %s: stop it first, or --force: %w",
					filepath.Base(src), unit, st.ActiveState, errdefs.ErrConflict)
			}
			if err := conn.Stop(ctx, unit); err != nil {
				return err
			}
		}
	}
	return nil
}
