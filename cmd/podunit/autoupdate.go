package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/image"
)

// autoUpdateRow is one line of auto-update's output, with Podman's fields
// (its JSON keys and template names).
type autoUpdateRow struct {
	Unit          string
	Container     string // "ID12 (name)"
	ContainerName string
	ContainerID   string
	Image         string
	Policy        string
	Updated       string
}

func newAutoUpdateRow(r engine.AutoUpdateReport) autoUpdateRow {
	return autoUpdateRow{Unit: r.Unit, Container: fmt.Sprintf("%.12s (%s)", r.ContainerID, r.ContainerName),
		ContainerName: r.ContainerName, ContainerID: r.ContainerID, Image: r.Image, Policy: r.Policy, Updated: r.Updated}
}

// autoUpdateFlags are auto-update's flags.
type autoUpdateFlags struct {
	dryRun, rollback, tlsVerify bool
	authFile, format            string
}

func (a *app) autoUpdateCommand() *cobra.Command {
	var f autoUpdateFlags
	cmd := &cobra.Command{
		Use:   "auto-update [flags]",
		Short: "Update containers to their image's newer version, as their auto-update policy says",
		Long: "Check every running unit container with the label io.containers.autoupdate (registry or local;\n" +
			"Quadlet's AutoUpdate=) for a newer image, pull it, restart the container's unit and, if it does\n" +
			"not come up (or healthy, with a health check), go back to the image it ran before (--rollback).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o, err := f.options(cmd)
			if err != nil {
				return err
			}
			eng, err := a.engine()
			if err != nil {
				return err
			}
			o.Progress = a.progress(false)
			reports, runErr := eng.AutoUpdate(a.ctx(cmd), o)
			if err := a.printAutoUpdate(reports, f.format); err != nil {
				return err
			}
			return runErr
		},
	}
	fs := cmd.Flags()
	fs.BoolVar(&f.dryRun, "dry-run", false, "only check: show an update as pending, change nothing")
	fs.BoolVar(&f.rollback, "rollback", true, "go back to the old image when a container does not come up on the new one")
	fs.StringVar(&f.format, "format", "", "JSON or a Go template for each line (.Unit, .Container, .Image, .Policy, .Updated)")
	fs.StringVar(&f.authFile, "authfile", "", "path of the authentication file (default $REGISTRY_AUTH_FILE or auth.json)")
	fs.BoolVar(&f.tlsVerify, "tls-verify", true, "require HTTPS and verify certificates (default: registries.conf decides)")
	return cmd
}

// options checks the flags and turns them into the engine's options.
func (f *autoUpdateFlags) options(cmd *cobra.Command) (engine.AutoUpdateOptions, error) {
	o := engine.AutoUpdateOptions{DryRun: f.dryRun, Rollback: f.rollback, Registry: image.RegistryOptions{AuthFile: f.authFile}}
	if f.authFile != "" {
		if _, err := os.Stat(f.authFile); err != nil {
			return o, fmt.Errorf("--authfile %s: %w: %w", f.authFile, errdefs.ErrInvalidArgument, err)
		}
	}
	if cmd.Flags().Changed("tls-verify") {
		v := f.tlsVerify
		o.Registry.TLSVerify = &v
	}
	return o, nil
}

// printAutoUpdate prints the reports: Podman's table, JSON or a template;
// nothing when no container has a policy.
func (a *app) printAutoUpdate(reports []engine.AutoUpdateReport, format string) error {
	if len(reports) == 0 {
		return nil
	}
	rows := make([]autoUpdateRow, 0, len(reports))
	for _, r := range reports {
		rows = append(rows, newAutoUpdateRow(r))
	}
	return printList(a, listOutput{name: "auto-update", format: format,
		defaultFormat: "table {{.Unit}}\t{{.Container}}\t{{.Image}}\t{{.Policy}}\t{{.Updated}}"},
		rows, func(r autoUpdateRow) string { return r.ContainerID })
}
