package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
)

func (a *app) networkCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "network", Short: "Manage networks"}
	cmd.AddCommand(a.networkCreateCommand(), a.networkLsCommand(), a.networkInspectCommand(),
		a.networkRmCommand(), a.networkExistsCommand(), a.networkPruneCommand(),
		a.networkConnectCommand(), a.networkDisconnectCommand(), a.networkReloadCommand())
	return cmd
}

func (a *app) networkCreateCommand() *cobra.Command {
	var o engine.NetworkCreateOptions
	var labels, opts []string
	cmd := &cobra.Command{
		Use:   "create [flags] [NAME]",
		Short: "Create a network",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if len(args) == 1 {
				o.Name = args[0]
			}
			if o.Labels, err = parseLabels(labels); err != nil {
				return err
			}
			if o.Options, err = parseNetworkOptions(opts); err != nil {
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
	fs.StringVarP(&o.Driver, "driver", "d", "bridge", "network driver: bridge, macvlan or ipvlan")
	stringArrayVar(fs, &o.Subnets, "subnet", "a subnet of the network (CIDR), again for more; default the first free 10.89.N.0/24")
	stringArrayVar(fs, &o.Gateways, "gateway", "the gateway of the --subnet at the same place (default its first address)")
	stringArrayVar(fs, &o.IPRanges, "ip-range", "the addresses handed out in the --subnet at the same place: CIDR or FIRST-LAST")
	fs.BoolVar(&o.IPv6, "ipv6", false, "also an IPv6 subnet (default the first free fd00:89:N::/64)")
	fs.BoolVar(&o.Internal, "internal", false, "no route out: containers reach only each other")
	fs.BoolVar(&o.DisableDNS, "disable-dns", false, "no aardvark-dns: names resolve through /etc/hosts only")
	fs.StringVar(&o.IPAMDriver, "ipam-driver", "", "address management: host-local (default) or none")
	fs.StringVar(&o.InterfaceName, "interface-name", "", "the bridge's name (default podunitN), or macvlan/ipvlan's parent interface")
	stringArrayVarP(fs, &labels, "label", "l", "set a label (KEY=VALUE)")
	stringArrayVarP(fs, &opts, "opt", "o", "driver option: mtu=N, vlan=N, isolate=true|false, mode=…, metric=N, parent=DEVICE, no_default_route=1")
	stringSliceVar(fs, &o.DNS, "dns", "name servers aardvark-dns asks for names outside the network")
	fs.BoolVar(&o.IgnoreIfExists, "ignore", false, "do nothing if the network exists")
	stringArrayVar(fs, &o.Routes, "route", "a static route in every container on the network: DESTINATION,GATEWAY[,METRIC]")
	return cmd
}

// parseNetworkOptions reads -o KEY=VALUE.
func parseNetworkOptions(list []string) (map[string]string, error) {
	out := map[string]string{}
	for _, kv := range list {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("--opt %q: want KEY=VALUE: %w", kv, errdefs.ErrInvalidArgument)
		}
		out[k] = v
	}
	return out, nil
}

// networkRow is one network as `network ls` and `network inspect` show
// it: Podman's network JSON, with the containers attached (Podman 5).
type networkRow struct {
	engine.Network
	Containers map[string]engine.NetworkContainer `json:"containers"`
	inUse      bool                               // some container or pod is configured on it (dangling=)
}

// MarshalJSON leaves "containers" out of `network ls`, which has none, as Podman does.
func (r networkRow) MarshalJSON() ([]byte, error) {
	if r.Containers == nil {
		return json.Marshal(r.Network)
	}
	type plain networkRow
	return json.Marshal(plain(r))
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
				r := networkRow{Network: n}
				if r.inUse, err = networkInUse(a.ctx(cmd), eng, n.Name, filters); err != nil {
					return err
				}
				if match(r) {
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
	stringArrayVarP(fs, &filters, "filter", "f", "filter: name, id, label, driver, until, dangling (KEY=VALUE)")
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
			rows, last := collectEach(a, args, func(name string) (networkRow, error) {
				n, err := eng.Network(a.ctx(cmd), name)
				if err != nil {
					return networkRow{}, err
				}
				cs, err := eng.NetworkContainers(a.ctx(cmd), n.Name)
				return networkRow{Network: n, Containers: cs}, err
			})
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

func (a *app) networkConnectCommand() *cobra.Command {
	var o model.NetworkOpts
	cmd := &cobra.Command{
		Use:   "connect [flags] NETWORK CONTAINER",
		Short: "Put a container on a network as well (a running one at once)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := a.engine()
			if err != nil {
				return err
			}
			return eng.NetworkConnect(a.ctx(cmd), args[0], args[1], o)
		},
	}
	fs := cmd.Flags()
	stringArrayVar(fs, &o.Aliases, "alias", "another name of the container on the network (aardvark-dns)")
	fs.StringVar(&o.IP, "ip", "", "the container's IPv4 address on the network")
	fs.StringVar(&o.IP6, "ip6", "", "the container's IPv6 address on the network")
	fs.StringVar(&o.MAC, "mac-address", "", "the container's MAC address on the network")
	return cmd
}

func (a *app) networkDisconnectCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "disconnect [flags] NETWORK CONTAINER",
		Short: "Take a container off a network (a running one at once)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := a.engine()
			if err != nil {
				return err
			}
			return eng.NetworkDisconnect(a.ctx(cmd), args[0], args[1])
		},
	}
	cmd.Flags().BoolP("force", "f", false, "accepted for Podman's sake: the interface goes at once anyway")
	return cmd
}

func (a *app) networkReloadCommand() *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:   "reload [flags] [CONTAINER...]",
		Short: "Set running containers' networks up again, restoring their firewall rules",
		RunE: func(cmd *cobra.Command, args []string) error {
			if all == (len(args) > 0) {
				return fmt.Errorf("give containers or --all, not both nor neither: %w", errdefs.ErrInvalidArgument)
			}
			eng, err := a.engine()
			if err != nil {
				return err
			}
			done, err := eng.NetworkReload(a.ctx(cmd), args, all)
			for _, id := range done {
				fmt.Fprintln(a.out, id)
			}
			return err
		},
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, "every running container")
	return cmd
}
