package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/errdefs"
)

func (a *app) networkCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "network", Short: "Manage CNI bridge networks"}
	cmd.AddCommand(a.networkCreateCommand(), a.networkLsCommand(), a.networkInspectCommand(),
		a.networkRmCommand(), a.networkExistsCommand(), a.networkPruneCommand())
	return cmd
}

func (a *app) networkCreateCommand() *cobra.Command {
	var o engine.NetworkCreateOptions
	var labels []string
	var driver string
	cmd := &cobra.Command{
		Use:   "create [flags] [NAME]",
		Short: "Create a bridge network",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if len(args) == 1 {
				o.Name = args[0]
			}
			if driver != "bridge" {
				return fmt.Errorf("--driver %s: only bridge is supported: %w", driver, errdefs.ErrNotImplemented)
			}
			if o.Labels, err = parseLabels(labels); err != nil {
				return err
			}
			eng, err := a.engine()
			if err != nil {
				return err
			}
			n, err := eng.NetworkCreate(a.ctx(cmd), o)
			if err != nil {
				return err
			}
			fmt.Fprintln(a.out, n.Name)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&o.Subnet, "subnet", "", "the network's IPv4 subnet (CIDR); default the first free 10.89.N.0/24")
	fs.StringVar(&o.Gateway, "gateway", "", "the bridge's address (default the subnet's first)")
	fs.BoolVar(&o.Internal, "internal", false, "no route out: containers reach only each other, not the host")
	fs.StringArrayVarP(&labels, "label", "l", nil, "set a label (KEY=VALUE)")
	fs.StringVarP(&driver, "driver", "d", "bridge", "network driver (only bridge)")
	fs.BoolVar(&o.IgnoreIfExists, "ignore", false, "do nothing if the network exists")
	return cmd
}

// networkRow is one network as `network ls` and `network inspect` show it
// (Podman's field names).
type networkRow struct {
	Name             string            `json:"name"`
	ID               string            `json:"id"`
	Driver           string            `json:"driver"`
	NetworkInterface string            `json:"network_interface"`
	Created          string            `json:"created"`
	Subnets          []subnetRow       `json:"subnets"`
	IPv6Enabled      bool              `json:"ipv6_enabled"`
	Internal         bool              `json:"internal"`
	DNSEnabled       bool              `json:"dns_enabled"`
	Labels           map[string]string `json:"labels"`
	IPAMOptions      map[string]string `json:"ipam_options"`
}

type subnetRow struct {
	Subnet  string `json:"subnet"`
	Gateway string `json:"gateway,omitempty"`
}

func newNetworkRow(n engine.Network) networkRow {
	r := networkRow{Name: n.Name, ID: n.ID, Driver: n.Driver, NetworkInterface: n.Bridge,
		Created: n.Created.Local().Format("2006-01-02T15:04:05.999999999Z07:00"),
		Subnets: []subnetRow{{Subnet: n.Subnet, Gateway: n.Gateway}}, Internal: n.Internal,
		Labels: n.Labels, IPAMOptions: map[string]string{"driver": "host-local"}}
	if r.Labels == nil {
		r.Labels = map[string]string{}
	}
	return r
}

const networkLsFormat = "table {{.ID}}\t{{.Name}}\t{{.Driver}}"

func (a *app) networkLsCommand() *cobra.Command {
	var format string
	var filters []string
	var quiet, noTrunc, noHeading bool
	cmd := &cobra.Command{
		Use:     "ls [flags]",
		Aliases: []string{"list"},
		Short:   "List networks",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			match, err := networkFilter(filters)
			if err != nil {
				return err
			}
			eng, err := a.engine()
			if err != nil {
				return err
			}
			list, err := eng.Networks(a.ctx(cmd))
			if err != nil {
				return err
			}
			rows := []networkRow{}
			for _, n := range list {
				if r := newNetworkRow(n); match(r) {
					if !noTrunc && format != "json" && len(r.ID) > 12 {
						r.ID = r.ID[:12]
					}
					rows = append(rows, r)
				}
			}
			return printList(a, listOutput{name: "network ls", format: format, defaultFormat: networkLsFormat,
				quiet: quiet, noHeading: noHeading, headers: map[string]string{"ID": "NETWORK ID"}},
				rows, func(r networkRow) string { return r.Name })
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&format, "format", "", "Go template or json")
	fs.StringArrayVarP(&filters, "filter", "f", nil, "filter: name, id, label, driver (KEY=VALUE)")
	fs.BoolVarP(&quiet, "quiet", "q", false, "print only network names")
	fs.BoolVar(&noTrunc, "no-trunc", false, "show full network IDs")
	fs.BoolVarP(&noHeading, "noheading", "n", false, "do not print the header line")
	return cmd
}

func (a *app) networkInspectCommand() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "inspect [flags] NETWORK [NETWORK...]",
		Short: "Show networks as JSON",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := a.engine()
			if err != nil {
				return err
			}
			rows := []networkRow{}
			var last error
			for _, name := range args {
				n, err := eng.Network(a.ctx(cmd), name)
				if err != nil {
					if last != nil {
						fmt.Fprintf(a.err, "Error: %s\n", errorText(last))
					}
					last = err
					continue
				}
				rows = append(rows, newNetworkRow(n))
			}
			if len(rows) == 0 {
				return last
			}
			if format == "" || format == "json" {
				if err := writeJSON(a.out, rows); err != nil {
					return err
				}
			} else if err := writeTable(a.out, "network inspect", format, networkRow{}, nil, rows, true); err != nil {
				return err
			}
			return last
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "", "Go template or json")
	return cmd
}

func (a *app) networkRmCommand() *cobra.Command {
	var force bool
	var timeout uint
	cmd := &cobra.Command{
		Use:     "rm [flags] NETWORK [NETWORK...]",
		Aliases: []string{"remove"},
		Short:   "Remove networks (-f: and the containers and pods that use them)",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := a.engine()
			if err != nil {
				return err
			}
			return a.forEach(args, func(name string) error {
				return eng.NetworkRemove(a.ctx(cmd), name, force, changedUint(cmd, "time", timeout))
			})
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "remove the containers and pods using the network first")
	cmd.Flags().UintVarP(&timeout, "time", "t", 10, "seconds to wait for each container to stop before killing it")
	return cmd
}

func (a *app) networkExistsCommand() *cobra.Command {
	return a.existsVerb("network", func(cmd *cobra.Command, eng *engine.Engine, ref string) error {
		_, err := eng.Network(a.ctx(cmd), ref)
		return err
	})
}

func (a *app) networkPruneCommand() *cobra.Command {
	return a.pruneVerb("networks", "Remove every network no container or pod uses (but the default)",
		func(cmd *cobra.Command, eng *engine.Engine) ([]string, error) { return eng.NetworkPrune(a.ctx(cmd)) })
}
