//go:build !hotpath

package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/systemd"
	"github.com/podunit/podunit/generator"
	"github.com/podunit/podunit/generator/quadletdir"
)

// quadletCommand is `podunit quadlet`: Podman 5.6's verbs for the source
// files in podunit's unit-file directory (/etc/podunit/systemd for root,
// ~/.config/podunit/systemd for a user; $PODUNIT_UNIT_DIRS's first
// directory when set).
func (a *app) quadletCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "quadlet", Short: "Install, list, print and remove Quadlet source files"}
	cmd.AddCommand(a.quadletInstallCommand(), a.quadletListCommand(), a.quadletPrintCommand(), a.quadletRmCommand())
	return cmd
}

// quadletConfig is the generator's search path for this user; its
// install directory is where install writes and rm removes.
func quadletConfig() (generator.Config, string) {
	home, _ := os.UserHomeDir()
	user := os.Getuid() != 0
	cfg := generator.DefaultConfig(user, generator.Env{Getenv: os.Getenv, UID: os.Getuid(), Home: home})
	switch {
	case os.Getenv("PODUNIT_UNIT_DIRS") != "" || len(cfg.Dirs) == 1:
		return cfg, cfg.Dirs[0]
	case user:
		return cfg, cfg.Dirs[len(cfg.Dirs)-2] // ~/.config/podunit/systemd
	}
	return cfg, "/etc/podunit/systemd"
}

// quadletError gives quadletdir's errors podunit's classes; the message
// stays quadletdir's.
func quadletError(err error) error {
	for sentinel, class := range map[error]error{quadletdir.ErrInvalid: errdefs.ErrInvalidArgument,
		quadletdir.ErrExists: errdefs.ErrAlreadyExists, quadletdir.ErrNotFound: errdefs.ErrNotFound} {
		if errors.Is(err, sentinel) {
			return classed{err, class}
		}
	}
	return err
}

// classed is an error with a class its message does not repeat.
type classed struct{ err, class error }

func (c classed) Error() string   { return c.err.Error() }
func (c classed) Unwrap() []error { return []error{c.err, c.class} }

func (a *app) quadletInstallCommand() *cobra.Command {
	var reload, replace bool
	cmd := &cobra.Command{
		Use:   "install [flags] QUADLET-PATH [FILE...]",
		Short: "Install a Quadlet file (with its companion files) or a directory of them as one application",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, dir := quadletConfig()
			paths, err := quadletdir.Install(dir, args[0], args[1:], replace)
			for _, p := range paths {
				fmt.Fprintln(a.out, p)
			}
			if err != nil {
				return quadletError(err)
			}
			return a.reloadSystemd(a.ctx(cmd), reload)
		},
	}
	cmd.Flags().BoolVar(&reload, "reload-systemd", true, "reload systemd after installing (daemon-reload: the generator runs)")
	cmd.Flags().BoolVarP(&replace, "replace", "r", false, "replace files installed already")
	return cmd
}

func (a *app) quadletPrintCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "print QUADLET",
		Short: "Print the contents of a Quadlet file found on the search path",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rows, err := quadletRows(a.ctx(cmd), false)
			if err != nil {
				return err
			}
			for _, r := range rows {
				if r.Name == args[0] {
					data, err := os.ReadFile(r.Path)
					if err != nil {
						return err
					}
					_, err = a.out.Write(data)
					return err
				}
			}
			return fmt.Errorf("quadlet %s: no such file on the search path: %w", args[0], errdefs.ErrNotFound)
		},
	}
}

// reloadSystemd runs systemctl daemon-reload over D-Bus when asked and
// systemd runs; without systemd there is nothing to reload, which it says.
func (a *app) reloadSystemd(ctx context.Context, reload bool) error {
	if !reload {
		return nil
	}
	if !systemd.Available() {
		a.warn(errors.New("systemd is not running: not reloaded (the units are generated at its next start)"))
		return nil
	}
	conn, err := systemd.Connect(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Reload(ctx)
}
