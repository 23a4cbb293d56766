package main

import (
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/errdefs"
)

func (a *app) secretInspectCommand() *cobra.Command {
	var format string
	var all, show bool
	cmd := &cobra.Command{
		Use:   "inspect [flags] SECRET [SECRET...]",
		Short: "Show secrets as JSON (the value only with --showsecret)",
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, args, err := a.secretArgs(cmd, args, all)
			if err != nil {
				return err
			}
			rows, err := collectEach(a, args, func(ref string) (secretRow, error) { return a.inspectSecret(cmd, eng, ref, show) })
			if err != nil && len(rows) == 0 {
				return err
			}
			if format == "" || format == "json" {
				if perr := writeJSON(a.out, rows); perr != nil {
					return perr
				}
			} else if perr := writeTable(a.out, "secret inspect", format, secretRow{}, nil, rows, true); perr != nil {
				return perr
			}
			return err
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "", "Go template or json")
	cmd.Flags().BoolVarP(&all, "all", "a", false, "inspect every secret")
	cmd.Flags().BoolVar(&show, "showsecret", false, "show the secret's value too")
	cmd.Flags().Bool("pretty", false, "accepted for Podman's sake; the output is JSON")
	return cmd
}

func (a *app) inspectSecret(cmd *cobra.Command, eng *engine.Engine, ref string, show bool) (secretRow, error) {
	s, err := eng.Secret(a.ctx(cmd), ref)
	if err != nil {
		return secretRow{}, err
	}
	r := newSecretRow(s, eng.SecretDriverOptions())
	if show {
		v, err := eng.SecretValue(a.ctx(cmd), s.Name)
		if err != nil {
			return secretRow{}, err
		}
		r.SecretData = string(v)
	}
	return r, nil
}

// secretArgs opens the engine and returns the secrets a verb acts on: the
// arguments, or every secret's name with --all.
func (a *app) secretArgs(cmd *cobra.Command, args []string, all bool) (*engine.Engine, []string, error) {
	if len(args) == 0 && !all {
		return nil, nil, fmt.Errorf("provide one or more secret names or IDs or use --all")
	}
	eng, err := a.engine()
	if err != nil || !all {
		return eng, args, err
	}
	list, err := eng.Secrets(a.ctx(cmd))
	var out []string
	for _, s := range list {
		out = append(out, s.Name)
	}
	return eng, out, err
}

func (a *app) secretRmCommand() *cobra.Command {
	var all, ignore bool
	cmd := &cobra.Command{
		Use:     "rm [flags] SECRET [SECRET...]",
		Aliases: []string{"remove"},
		Short:   "Remove secrets",
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, args, err := a.secretArgs(cmd, args, all)
			if err != nil {
				return err
			}
			if ignore {
				args = slices.DeleteFunc(args, func(ref string) bool {
					_, err := eng.Secret(a.ctx(cmd), ref)
					return errdefs.IsNotFound(err)
				})
			}
			return a.forEachPrint(args, func(ref string) (string, error) {
				s, err := eng.SecretRemove(a.ctx(cmd), ref)
				if err != nil {
					return "", err
				}
				return s.ID, nil
			})
		},
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, "remove every secret")
	cmd.Flags().BoolVarP(&ignore, "ignore", "i", false, "a secret that does not exist is no error")
	return cmd
}

func (a *app) secretExistsCommand() *cobra.Command {
	return a.existsVerb("secret", func(cmd *cobra.Command, eng *engine.Engine, ref string) error {
		_, err := eng.Secret(a.ctx(cmd), ref)
		return err
	})
}
