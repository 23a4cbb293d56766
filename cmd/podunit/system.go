package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine"
)

// systemCommand is the `system` verb group: checks and repairs of
// podunit's own state.
func (a *app) systemCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "system", Short: "Manage podunit"}
	cmd.AddCommand(a.systemCheckCommand(), a.systemDfCommand(), a.systemPruneCommand(), a.systemResetCommand())
	return cmd
}

func (a *app) systemCheckCommand() *cobra.Command {
	var o engine.CheckOptions
	var quick bool
	var maxAge time.Duration
	cmd := &cobra.Command{
		Use:   "check [options]",
		Short: "Check podunit's records and storage for consistency, and repair them",
		Long: "Find damaged records and orphans: storage containers, runtime state, bundles, pins,\n" +
			"units and lock files without a record, and records whose storage container is gone.\n" +
			"--repair rebuilds records from what exists and removes orphans that hold no data;\n" +
			"--force also removes what cannot be rebuilt.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a.cfg.LostState = true // an emptied state.db is what this verb repairs
			a.cfg.SetAsideDamaged = o.Repair
			eng, err := a.engine()
			if err != nil {
				return err
			}
			rep, err := eng.Check(a.ctx(cmd), o)
			a.printCheck(rep)
			if err != nil {
				return err
			}
			if !o.Repair {
				if len(rep.Findings) > 0 {
					return errors.New("damage detected in local storage")
				}
				return nil
			}
			again, err := eng.Check(a.ctx(cmd), engine.CheckOptions{})
			if err != nil {
				return err
			}
			if len(again.Findings) > 0 {
				return errors.New("damage in local storage still present after repair attempt")
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.Repair, "repair", "r", false, "rebuild lost records and remove orphans that hold no data")
	f.BoolVarP(&o.Force, "force", "f", false, "with --repair, also remove what cannot be rebuilt")
	f.BoolVarP(&quick, "quick", "q", false, "skip time-consuming checks (all of podunit's are quick)")
	f.DurationVarP(&maxAge, "max", "m", 24*time.Hour, "accepted for Podman compatibility; podunit keeps no unreferenced layers")
	return cmd
}

// printCheck prints what a check found, Podman's way: each damaged object
// with its problem, then what repair deleted or rebuilt.
func (a *app) printCheck(rep *engine.CheckReport) {
	if rep == nil {
		return
	}
	for _, f := range rep.Findings {
		fmt.Fprintf(a.out, "Damaged %s %s:\n  %s\n", f.Kind, f.ID, f.Problem)
		if f.Err != nil {
			fmt.Fprintf(a.out, "  repair failed: %s\n", errorText(f.Err))
		}
	}
	for _, f := range rep.Findings {
		switch f.Fixed {
		case engine.FixedRecord:
			fmt.Fprintf(a.out, "Rebuilt %s record: %s\n", recordKind(f.Kind), f.ID)
		case engine.FixedStorage:
			fmt.Fprintf(a.out, "Rebuilt storage container: %s\n", f.ID)
		case "":
		default:
			fmt.Fprintf(a.out, "Deleted damaged %s: %s\n", f.Kind, f.ID)
		}
	}
}

// recordKind is the kind of record a finding's repair rebuilt: a storage
// container's is its container's.
func recordKind(kind string) string {
	if kind == "storage container" {
		return "container"
	}
	return kind
}
