package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/docker/go-units"
	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/secret"
)

func (a *app) secretCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "secret", Short: "Manage secrets"}
	cmd.AddCommand(a.secretCreateCommand(), a.secretLsCommand(), a.secretInspectCommand(),
		a.secretRmCommand(), a.secretExistsCommand())
	return cmd
}

func (a *app) secretCreateCommand() *cobra.Command {
	var o engine.SecretCreateOptions
	var labels []string
	var fromEnv bool
	cmd := &cobra.Command{
		Use:   "create [flags] NAME FILE|-",
		Short: "Create a secret from a file, standard input (-) or, with --env, a variable",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			o.Name = args[0]
			if o.Labels, err = parseLabels(labels); err != nil {
				return err
			}
			if o.Value, err = a.secretValue(args[1], fromEnv); err != nil {
				return err
			}
			eng, err := a.engine()
			if err != nil {
				return err
			}
			s, err := eng.SecretCreate(a.ctx(cmd), o)
			if err != nil {
				return err
			}
			fmt.Fprintln(a.out, s.ID)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&o.Driver, "driver", "d", secret.Driver, "secret driver (only file)")
	stringArrayVarP(fs, &labels, "label", "l", "set a label (KEY=VALUE)")
	fs.BoolVar(&fromEnv, "env", false, "read the value from the environment variable named by the second argument")
	fs.BoolVar(&o.Replace, "replace", false, "replace a secret of the same name")
	return cmd
}

// secretValue reads a secret's value from a file, standard input or a
// variable; the value is never printed.
func (a *app) secretValue(src string, fromEnv bool) ([]byte, error) {
	if fromEnv {
		v, ok := os.LookupEnv(src)
		if !ok {
			return nil, fmt.Errorf("environment variable %s is not set", src)
		}
		return []byte(v), nil
	}
	var r io.Reader = a.in
	if src != "-" {
		f, err := os.Open(src)
		if err != nil {
			return nil, fmt.Errorf("reading the secret: %w", err)
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, secret.MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading the secret from %s: %w", src, err)
	}
	return b, nil
}

// secretDriver is Podman's Spec.Driver.
type secretDriver struct {
	Name    string
	Options map[string]string
}

// secretSpec is Podman's Spec of a secret.
type secretSpec struct {
	Name   string
	Driver secretDriver
	Labels map[string]string
}

// secretRow is one secret as `secret ls` and `secret inspect` show it, in
// Podman's shape; the value is there only with --showsecret.
type secretRow struct {
	ID         string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Spec       secretSpec
	SecretData string `json:",omitempty"`
	// Name, Driver, Created and Updated are the columns of `secret ls`.
	Name    string `json:"-"`
	Driver  string `json:"-"`
	Created string `json:"-"`
	Updated string `json:"-"`
}

func newSecretRow(s *secret.Secret, opts map[string]string) secretRow {
	labels := s.Labels
	if labels == nil {
		labels = map[string]string{}
	}
	now := time.Now()
	return secretRow{ID: s.ID, CreatedAt: s.Created.Local(), UpdatedAt: s.Updated.Local(),
		Spec: secretSpec{Name: s.Name, Driver: secretDriver{Name: s.Driver, Options: opts}, Labels: labels},
		Name: s.Name, Driver: s.Driver, Created: units.HumanDuration(now.Sub(s.Created)) + " ago",
		Updated: units.HumanDuration(now.Sub(s.Updated)) + " ago"}
}

const secretLsFormat = "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Created}}\t{{.Updated}}"

func (a *app) secretLsCommand() *cobra.Command {
	var format string
	var filters []string
	var quiet, noHeading bool
	cmd := &cobra.Command{
		Use:     "ls [flags]",
		Aliases: []string{"list"},
		Short:   "List secrets",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			match, err := secretFilter(filters)
			if err != nil {
				return err
			}
			eng, err := a.engine()
			if err != nil {
				return err
			}
			list, err := eng.Secrets(a.ctx(cmd))
			if err != nil {
				return err
			}
			rows := []secretRow{}
			for _, s := range list {
				if r := newSecretRow(s, eng.SecretDriverOptions()); match(r) {
					rows = append(rows, r)
				}
			}
			return printList(a, listOutput{name: "secret ls", format: format, defaultFormat: secretLsFormat,
				quiet: quiet, noHeading: noHeading}, rows, func(r secretRow) string { return r.ID })
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&format, "format", "", "Go template or json")
	stringArrayVarP(fs, &filters, "filter", "f", "filter: name, id (KEY=VALUE)")
	fs.BoolVarP(&quiet, "quiet", "q", false, "print only secret IDs")
	fs.BoolVarP(&noHeading, "noheading", "n", false, "do not print the header line")
	return cmd
}

// secretFilter compiles `secret ls --filter`: name (a substring, as
// Podman's unanchored match) and id (a prefix); values of one key OR,
// keys AND.
func secretFilter(list []string) (func(secretRow) bool, error) {
	want := map[string][]string{}
	for _, f := range list {
		k, v, ok := strings.Cut(f, "=")
		if !ok || (k != "name" && k != "id") {
			return nil, fmt.Errorf("--filter %q: want name=VALUE or id=VALUE", f)
		}
		want[k] = append(want[k], v)
	}
	return func(r secretRow) bool {
		nameOK := len(want["name"]) == 0 || slices.ContainsFunc(want["name"], func(v string) bool { return strings.Contains(r.Spec.Name, v) })
		idOK := len(want["id"]) == 0 || slices.ContainsFunc(want["id"], func(v string) bool { return strings.HasPrefix(r.ID, v) })
		return nameOK && idOK
	}, nil
}
