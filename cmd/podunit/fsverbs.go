package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/image"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/names"
	"github.com/podunit/podunit/internal/atomicfile"
)

// The verbs that work on a container's rootfs: diff, export, mount,
// unmount, and rename.

func (a *app) diffCommand() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:               "diff [flags] CONTAINER",
		ValidArgsFunction: a.completeNames(listContainerNames, true),
		Short:             "Inspect changes to a container's filesystem: A added, C changed, D deleted",
		Args:              cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "" && format != "json" {
				return fmt.Errorf("--format %q: the only valid format for diff is json", format)
			}
			eng, err := a.engine()
			if err != nil {
				return err
			}
			changes, err := eng.Diff(a.ctx(cmd), args[0])
			if err != nil {
				return err
			}
			if format == "json" {
				return writeJSON(a.out, diffJSON(changes))
			}
			for _, c := range changes {
				fmt.Fprintf(a.out, "%s %s\n", c.Kind, c.Path)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "", "output format: json")
	return cmd
}

// diffReport is `podman diff --format json`'s shape.
type diffReport struct {
	Changed []string `json:"changed,omitempty"`
	Added   []string `json:"added,omitempty"`
	Deleted []string `json:"deleted,omitempty"`
}

func diffJSON(changes []image.Change) diffReport {
	var r diffReport
	for _, c := range changes {
		switch c.Kind {
		case "A":
			r.Added = append(r.Added, c.Path)
		case "C":
			r.Changed = append(r.Changed, c.Path)
		case "D":
			r.Deleted = append(r.Deleted, c.Path)
		}
	}
	return r
}

func (a *app) exportCommand() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:               "export [flags] CONTAINER",
		ValidArgsFunction: a.completeNames(listContainerNames, true),
		Short:             "Export a container's filesystem contents as a tar archive",
		Args:              cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := a.engine()
			if err != nil {
				return err
			}
			if output == "" {
				if f, ok := a.out.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
					return fmt.Errorf("refusing to export to terminal: use -o FILE or redirect")
				}
				return eng.Export(a.ctx(cmd), args[0], a.out)
			}
			return atomicfile.WriteVia(output, 0o644, func(w io.Writer) error { return eng.Export(a.ctx(cmd), args[0], w) })
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to FILE instead of standard output")
	return cmd
}

func (a *app) mountCommand() *cobra.Command {
	var format string
	var noTrunc, all bool
	cmd := &cobra.Command{
		Use:               "mount [flags] [CONTAINER...]",
		ValidArgsFunction: a.completeNames(listContainerNames, false),
		Short:             "Mount a container's root filesystem and print where; without arguments list the mounted ones",
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := a.engine()
			if err != nil {
				return err
			}
			if all {
				if err := a.mountAll(cmd, eng); err != nil {
					return err
				}
			}
			if len(args) == 0 {
				return a.listMounted(cmd, eng, format, noTrunc)
			}
			return a.forEachPrint(args, func(ref string) (string, error) { return eng.Mount(a.ctx(cmd), ref) })
		},
	}
	cmd.Flags().StringVar(&format, "format", "", "output format of the list: json")
	cmd.Flags().BoolVar(&noTrunc, "no-trunc", false, "do not truncate IDs")
	cmd.Flags().BoolVarP(&all, "all", "a", false, "mount every container, then list them")
	return cmd
}

// mountAll mounts every container once more.
func (a *app) mountAll(cmd *cobra.Command, eng *engine.Engine) error {
	cs, err := eng.Containers(a.ctx(cmd))
	if err != nil {
		return err
	}
	for _, c := range cs {
		if _, err := eng.Mount(a.ctx(cmd), c.ID); err != nil {
			return err
		}
	}
	return nil
}

// mountReport is one mounted container, in `podman mount --format json`'s shape.
type mountReport struct {
	ID         string   `json:"id"`
	Names      []string `json:"names"`
	Mountpoint string   `json:"mountpoint"`
}

func (a *app) listMounted(cmd *cobra.Command, eng *engine.Engine, format string, noTrunc bool) error {
	mounted, err := eng.Mounted(a.ctx(cmd))
	if err != nil {
		return err
	}
	rows := make([]mountReport, 0, len(mounted))
	for _, m := range mounted {
		id := m.Container.ID
		if !noTrunc && format != "json" {
			id = names.ShortID(id)
		}
		rows = append(rows, mountReport{ID: id, Names: []string{m.Container.Name}, Mountpoint: m.Mountpoint})
	}
	switch format {
	case "json":
		return writeJSON(a.out, rows)
	case "":
		for _, r := range rows {
			fmt.Fprintf(a.out, "%s  %s\n", r.ID, r.Mountpoint)
		}
		return nil
	}
	return fmt.Errorf("--format %q: the only valid format for mount is json", format)
}

func (a *app) unmountCommand() *cobra.Command {
	var force, all bool
	cmd := &cobra.Command{
		Use:               "unmount [flags] CONTAINER [CONTAINER...]",
		ValidArgsFunction: a.completeNames(listContainerNames, false),
		Aliases:           []string{"umount"},
		Short:             "Unmount a container's root filesystem (one mount of it; all with -f)",
		Args:              argsUnlessAll(&all),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := a.engine()
			if err != nil {
				return err
			}
			if all {
				mounted, err := eng.Mounted(a.ctx(cmd))
				if err != nil {
					return err
				}
				for _, m := range mounted { // a running container keeps its own mount
					if st := m.Container.State.Status; st != model.Running && st != model.Paused {
						args = append(args, m.Container.ID)
					}
				}
			}
			return a.forEachPrint(args, func(ref string) (string, error) {
				c, err := eng.Unmount(a.ctx(cmd), ref, force)
				if err != nil {
					return "", err
				}
				return c.ID, nil
			})
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "unmount even if mounted more than once")
	cmd.Flags().BoolVarP(&all, "all", "a", false, "unmount every mounted container")
	return cmd
}

func (a *app) renameCommand() *cobra.Command {
	return &cobra.Command{
		Use:               "rename CONTAINER NEW_NAME",
		ValidArgsFunction: a.completeNames(listContainerNames, true),
		Short:             "Rename an existing container",
		Args:              cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := a.engine()
			if err != nil {
				return err
			}
			return eng.Rename(a.ctx(cmd), args[0], args[1])
		},
	}
}

// forEachPrint runs fn on every argument and prints what it returns; it
// reports each failure and carries on, as Podman's multi-container verbs do.
func (a *app) forEachPrint(args []string, fn func(ref string) (string, error)) error {
	_, err := collectEach(a, args, func(ref string) (struct{}, error) {
		out, err := fn(ref)
		if err == nil {
			fmt.Fprintln(a.out, out)
		}
		return struct{}{}, err
	})
	return err
}

// collectEach runs find on every argument and returns what it found and the
// last failure; it prints the earlier failures and carries on, as Podman's
// multi-object verbs do.
func collectEach[T any](a *app, args []string, find func(ref string) (T, error)) ([]T, error) {
	found := []T{}
	var last error
	for _, ref := range args {
		v, err := find(ref)
		if err != nil {
			if last != nil {
				fmt.Fprintf(a.err, "Error: %s\n", errorText(last))
			}
			last = err
			continue
		}
		found = append(found, v)
	}
	return found, last
}

// argsUnlessAll accepts no arguments when *all is set, else one or more.
func argsUnlessAll(all *bool) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if *all {
			return cobra.NoArgs(cmd, args)
		}
		return cobra.MinimumNArgs(1)(cmd, args)
	}
}
