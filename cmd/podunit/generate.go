package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/generator"
)

// generateCommand is `podunit generate`; `check` is its first verb.
func (a *app) generateCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "generate", Short: "Generate and check systemd units"}
	cmd.AddCommand(a.generateCheckCommand(), a.generateSystemdCommand())
	return cmd
}

// generateCheckCommand is `podunit generate check [FILE|DIR…]`: it prints
// the units podunit-generator would write, or each error as FILE:LINE:
// message and exits 125.
func (a *app) generateCheckCommand() *cobra.Command {
	var user bool
	cmd := &cobra.Command{
		Use:   "check [FILE|DIR...]",
		Short: "Print the units podunit-generator would write from source files, or their errors",
		Long: "Reads .container, .pod, .volume, .network and .image files (the named ones, the\n" +
			"ones in the named directories, or the generator's search path) and prints the\n" +
			"units and [Install] symlinks it would write, or each error as FILE:LINE: message.",
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.generateCheck(cmd, user, args)
		},
	}
	cmd.Flags().BoolVar(&user, "user", os.Getuid() != 0, "use the user manager's search path and conventions")
	return cmd
}

func (a *app) generateCheck(cmd *cobra.Command, user bool, args []string) error {
	home, _ := os.UserHomeDir()
	cfg := generator.DefaultConfig(user, generator.Env{Getenv: os.Getenv, UID: os.Getuid(), Home: home})
	if len(args) > 0 {
		if err := checkArgs(&cfg, args); err != nil {
			return err
		}
	}
	res, err := generator.Generate(cfg)
	if err != nil {
		return err
	}
	if err := res.Print(cmd.OutOrStdout()); err != nil {
		return err
	}
	for _, e := range res.Errors {
		fmt.Fprintln(a.err, e)
	}
	if len(res.Errors) > 0 {
		return &exitError{code: exitEngine, err: fmt.Errorf("%d source file error(s)", len(res.Errors))}
	}
	return nil
}

// checkArgs makes the named directories, and the directories of the named
// files, the search path; named files limit what is reported.
func checkArgs(cfg *generator.Config, args []string) error {
	cfg.Dirs, cfg.Skip, cfg.Only = nil, nil, nil
	for _, arg := range args {
		abs, err := filepath.Abs(arg)
		if err != nil {
			return err
		}
		st, err := os.Stat(abs)
		if err != nil {
			return &exitError{code: exitEngine, err: err}
		}
		dir := abs
		if !st.IsDir() {
			dir = filepath.Dir(abs)
			cfg.Only = append(cfg.Only, abs)
		}
		if !slices.Contains(cfg.Dirs, dir) {
			cfg.Dirs = append(cfg.Dirs, dir)
		}
	}
	if len(cfg.Only) > 0 && len(cfg.Only) < len(args) {
		cfg.Only = nil // a directory was named too: report everything
	}
	return nil
}
