//go:build !hotpath

package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/generator"
)

// exitInvalid is generate check's status when it ran and found a source
// file podunit-generator refuses: as quadlet -dryrun and systemd-analyze
// verify, 1; 125 stays for a check that could not run.
const exitInvalid = 1

type checkOptions struct {
	user, units, noHeading bool
	format                 string
}

// generateCheckCommand is `podunit generate check [FILE|DIR…]`: one line
// per source file (ok) or per diagnostic (FILE:LINE, warning or error).
func (a *app) generateCheckCommand() *cobra.Command {
	var o checkOptions
	cmd := &cobra.Command{
		Use:   "check [FILE|DIR...]",
		Short: "Check source files as podunit-generator reads them: ok, warnings, errors",
		Long: "Reads .container, .pod, .volume, .network and .image files (the named ones, the\n" +
			"ones in the named directories, or the generator's search path) as podunit-generator\n" +
			"does, and lists every file: ok with the unit it makes, or each warning and error\n" +
			"at FILE:LINE. A file with only warnings is generated.\n\n" +
			"Exit status: 0 when every file is valid (warnings allowed), 1 when some file is\n" +
			"refused (as quadlet -dryrun and systemd-analyze verify), 125 when the check\n" +
			"itself cannot run (a path that does not exist, a bad --format).",
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.generateCheck(o, args)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.user, "user", os.Getuid() != 0, "use the user manager's search path and conventions")
	f.BoolVar(&o.units, "units", false, "print the units and [Install] symlinks the generator would write instead")
	f.StringVar(&o.format, "format", "", "json, or a Go template over File, Line, Where, Unit, Result, Message")
	f.BoolVar(&o.noHeading, "noheading", false, "do not print the table's header")
	return cmd
}

func (a *app) generateCheck(o checkOptions, args []string) error {
	home, _ := os.UserHomeDir()
	cfg := generator.DefaultConfig(o.user, generator.Env{Getenv: os.Getenv, UID: os.Getuid(), Home: home})
	if len(args) > 0 {
		if err := checkArgs(&cfg, args); err != nil {
			return err
		}
	}
	res, err := generator.Generate(cfg)
	if err != nil {
		return err
	}
	if o.units {
		if err := res.Print(a.out); err != nil {
			return err
		}
	} else {
		out := listOutput{name: "generate check", format: o.format, noHeading: o.noHeading,
			defaultFormat: "table {{.Where}}\t{{.Unit}}\t{{.Result}}\t{{.Message}}", headers: map[string]string{"Where": "SOURCE"}}
		if err := printList(a, out, checkRows(res), func(r checkRow) string { return r.File }); err != nil {
			return err
		}
	}
	if len(res.Errors) > 0 {
		return &exitError{code: exitInvalid, err: fmt.Errorf("%d source file error(s)", len(res.Errors))}
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

var errNotGenerated = errors.New("not generated: a drop-in or a file it needs has errors")
