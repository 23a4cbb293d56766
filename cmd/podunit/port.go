package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/model"
)

func (a *app) portCommand() *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:   "port [flags] CONTAINER [PRIVATE_PORT[/PROTO]]",
		Short: "List a container's published ports",
		Args: func(cmd *cobra.Command, args []string) error {
			if all {
				return cobra.MaximumNArgs(1)(cmd, args)
			}
			return cobra.RangeArgs(1, 2)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := a.engine()
			if err != nil {
				return err
			}
			var cs []*model.Container
			if all {
				if cs, err = eng.Containers(a.ctx(cmd)); err != nil {
					return err
				}
			} else {
				c, err := eng.Container(a.ctx(cmd), args[0])
				if err != nil {
					return err
				}
				cs = []*model.Container{c}
			}
			want := ""
			if len(args) == 2 || (all && len(args) == 1) {
				want = args[len(args)-1]
				if !strings.Contains(want, "/") {
					want += "/tcp"
				}
			}
			return a.printPorts(cmd, eng, cs, all, want)
		},
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, "list the ports of every container")
	return cmd
}

// printPorts prints "80/tcp -> 0.0.0.0:8080" lines, as Podman does; with a
// PRIVATE_PORT only the host side, and with --all each container's ID first.
func (a *app) printPorts(cmd *cobra.Command, eng *engine.Engine, cs []*model.Container, all bool, want string) error {
	for _, c := range cs {
		ports, err := eng.Ports(a.ctx(cmd), c)
		if err != nil {
			return err
		}
		if all && len(ports) > 0 {
			fmt.Fprintln(a.out, c.ID[:12])
		}
		for _, p := range ports {
			line := p.String()
			if want != "" {
				if !strings.HasPrefix(line, want+" -> ") {
					continue
				}
				line = strings.TrimPrefix(line, want+" -> ")
			}
			fmt.Fprintln(a.out, line)
		}
	}
	return nil
}
