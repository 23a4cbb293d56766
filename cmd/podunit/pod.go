package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/docker/go-units"
	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/names"
)

func (a *app) podCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "pod", Short: "Manage pods: containers sharing namespaces, run as systemd units"}
	cmd.AddCommand(a.podCreateCommand(), a.podInitCommand(), a.podStartCommand(), a.podStopCommand(),
		a.podRestartCommand(), a.podKillCommand(), a.podRmCommand(), a.podPsCommand(),
		a.podInspectCommand(), a.podExistsCommand(), a.podTopCommand(),
		a.podStatsCommand(), a.podPauseCommand(), a.podUnpauseCommand(),
		a.podUnitStartCommand(), a.podUnitStopCommand())
	return cmd
}

func (a *app) podCreateCommand() *cobra.Command {
	var o engine.PodCreateOptions
	var labels []string
	var share, memory, shmSize string
	var nf netFlags
	var uf usernsFlags
	var hf podHostNSFlags
	var inUnit bool
	cmd := &cobra.Command{
		Use:   "create [flags]",
		Short: "Create a pod",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if err := nf.apply(&o.Network, &o.FirstNetworkOpts, &o.NetConfig); err != nil {
				return err
			}
			if o.Labels, err = parseLabels(labels); err != nil {
				return err
			}
			o.UserNSConfig = uf.config()
			o.PodHostNS = hf.config()
			if cmd.Flags().Changed("share") {
				o.Share = splitList(share)
			}
			if o.ShmSize, err = parseSize("--shm-size", shmSize); err != nil {
				return err
			}
			if memory != "" {
				if o.Memory, err = units.RAMInBytes(memory); err != nil {
					return fmt.Errorf("--memory %q: %v", memory, err)
				}
			}
			eng, err := a.engine()
			if err != nil {
				return err
			}
			create := eng.PodCreate
			if inUnit {
				create = eng.PodCreateInUnit
			}
			p, err := create(a.ctx(cmd), o)
			if p != nil {
				fmt.Fprintln(a.out, p.ID)
			}
			return err
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&o.Name, "name", "", "name of the pod")
	stringArrayVarP(fs, &labels, "label", "l", "set a label (KEY=VALUE)")
	fs.StringVar(&share, "share", "ipc,net,uts", "namespaces the members share: net, ipc, uts")
	fs.StringVar(&o.Hostname, "hostname", "", "the pod's host name")
	fs.StringVar(&o.ExitPolicy, "exit-policy", "continue", "what the pod does when its last member exits: continue or stop")
	fs.StringVarP(&memory, "memory", "m", "", "memory limit of the whole pod (its slice's MemoryMax=), e.g. 512m")
	fs.Float64Var(&o.CPUs, "cpus", 0, "CPU limit of the whole pod (its slice's CPUQuota=), e.g. 1.5")
	fs.StringVar(&shmSize, "shm-size", "", "size of each member's /dev/shm unless it sets its own (e.g. 128m)")
	fs.BoolVar(&o.Replace, "replace", false, "replace an existing pod of the same name")
	fs.BoolVar(&inUnit, "unit", false, "run as the ExecStart= of a pod's unit file: create the pod and pin its namespaces in this unit")
	nf.register(fs, "pod")
	uf.register(fs)
	hf.register(fs)
	stringArrayVarP(fs, &o.Publish, "publish", "p", "publish a port of the pod: [ip:][hostPort:]containerPort[/tcp|udp]")
	return cmd
}

func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// podVerb builds the simple per-pod verbs: each pod in turn, failures reported.
func (a *app) podVerb(use, short string, fn func(cmd *cobra.Command, eng *engine.Engine, ref string) error) *cobra.Command {
	return &cobra.Command{
		Use:   use + " POD [POD...]",
		Short: short,
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := a.engine()
			if err != nil {
				return err
			}
			err = a.forEach(args, func(ref string) error { return fn(cmd, eng, ref) })
			if err != nil {
				// A member's exec failure (126/127) is not the pod command's code.
				return &exitError{code: exitEngine, err: err}
			}
			return nil
		},
	}
}

func (a *app) podInitCommand() *cobra.Command {
	return a.podVerb("init", "Create every member's runtime state without starting it",
		func(cmd *cobra.Command, eng *engine.Engine, ref string) error { return eng.PodInit(a.ctx(cmd), ref) })
}

func (a *app) podStartCommand() *cobra.Command {
	return a.podVerb("start", "Start a pod's unit and its members",
		func(cmd *cobra.Command, eng *engine.Engine, ref string) error { return eng.PodStart(a.ctx(cmd), ref) })
}

func (a *app) podStopCommand() *cobra.Command {
	var timeout uint
	cmd := a.podVerb("stop", "Stop a pod's members and its unit",
		func(cmd *cobra.Command, eng *engine.Engine, ref string) error {
			return eng.PodStop(a.ctx(cmd), ref, changedUint(cmd, "time", timeout))
		})
	cmd.Flags().UintVarP(&timeout, "time", "t", 10, "seconds to wait before killing each member")
	return cmd
}

func (a *app) podRestartCommand() *cobra.Command {
	var timeout uint
	cmd := a.podVerb("restart", "Stop and start a pod",
		func(cmd *cobra.Command, eng *engine.Engine, ref string) error {
			return eng.PodRestart(a.ctx(cmd), ref, changedUint(cmd, "time", timeout))
		})
	cmd.Flags().UintVarP(&timeout, "time", "t", 10, "seconds to wait before killing each member")
	return cmd
}

func (a *app) podKillCommand() *cobra.Command {
	var signal string
	cmd := a.podVerb("kill", "Send a signal to every running member",
		func(cmd *cobra.Command, eng *engine.Engine, ref string) error {
			sig, err := engine.ParseSignal(signal)
			if err != nil {
				return err
			}
			return eng.PodKill(a.ctx(cmd), ref, sig)
		})
	cmd.Flags().StringVarP(&signal, "signal", "s", "KILL", "signal to send")
	return cmd
}

func (a *app) podRmCommand() *cobra.Command {
	var force bool
	var timeout uint
	cmd := a.podVerb("rm", "Remove pods and their members",
		func(cmd *cobra.Command, eng *engine.Engine, ref string) error {
			return eng.PodRemove(a.ctx(cmd), ref, force, changedUint(cmd, "time", timeout))
		})
	cmd.Flags().BoolVarP(&force, "force", "f", false, "stop running members first")
	cmd.Flags().UintVarP(&timeout, "time", "t", 10, "seconds to wait before killing each member (with -f)")
	return cmd
}

func changedUint(cmd *cobra.Command, name string, v uint) *uint {
	if cmd.Flags().Changed(name) {
		return &v
	}
	return nil
}

func (a *app) podExistsCommand() *cobra.Command {
	return outsideFirst(a.existsVerb("pod", func(cmd *cobra.Command, eng *engine.Engine, ref string) error {
		_, err := eng.Pod(a.ctx(cmd), ref)
		return err
	}))
}

// podRow is one line of `pod ps`.
type podRow struct {
	ID                 string `json:"-"` // podRowMore.FullID is the JSON Id
	Name               string
	Status             string
	CreatedHuman       string `json:"-"`
	Created            string
	InfraID            string `json:"InfraId"`
	Containers         []podMember
	NumberOfContainers int `json:"-"`
	Labels             map[string]string
	Unit               string
	fullID             string
	podRowMore
}

var podStatuses = []string{"created", "running", "degraded", "exited", "stopped"}

type podMember struct {
	ID     string `json:"Id"`
	Names  string
	Status string
}

func (a *app) podRows(cmd *cobra.Command, eng *engine.Engine, noTrunc bool) ([]podRow, error) {
	pods, err := eng.Pods(a.ctx(cmd))
	if err != nil {
		return nil, err
	}
	now := time.Now()
	rows := []podRow{}
	for _, p := range pods {
		members, err := eng.PodContainers(a.ctx(cmd), p)
		if err != nil {
			return nil, err
		}
		rows = append(rows, newPodRow(p, members, noTrunc, now))
	}
	return rows, nil
}

func newPodRow(p *model.Pod, members []*model.Container, noTrunc bool, now time.Time) podRow {
	id := p.ID
	if !noTrunc {
		id = names.ShortID(id)
	}
	r := podRow{ID: id, Name: p.Name, CreatedHuman: units.HumanDuration(now.Sub(p.Created)) + " ago",
		Created: p.Created.Format(time.RFC3339Nano), Labels: p.Config.Labels, Unit: p.State.Unit,
		Containers: []podMember{}, NumberOfContainers: len(members), fullID: p.ID}
	var statuses []model.Status
	for _, c := range members {
		if c.InPodStatus() {
			statuses = append(statuses, c.State.Status)
		}
		r.Containers = append(r.Containers, podMember{ID: c.ID, Names: c.Name, Status: string(c.State.Status)})
	}
	r.Status = model.PodStatus(statuses)
	r.podRowMore = newPodRowMore(p, r.Containers, noTrunc)
	return r
}

const podPsFormat = "table {{.ID}}\t{{.Name}}\t{{.Status}}\t{{.CreatedHuman}}\t{{.InfraID}}\t{{.NumberOfContainers}}"

func (a *app) podPsCommand() *cobra.Command {
	var format string
	var filters []string
	var quiet, noTrunc, noHeading bool
	var cols podPsColumns
	var order podPsOrder
	cmd := &cobra.Command{
		Use:     "ps [flags]",
		Aliases: []string{"ls", "list"},
		Short:   "List pods",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := podSortKeys.check(order.sort); err != nil {
				return err
			}
			match, err := podFilter(filters)
			if err != nil {
				return err
			}
			eng, err := a.engine()
			if err != nil {
				return err
			}
			all, err := a.podRows(cmd, eng, noTrunc)
			if err != nil {
				return err
			}
			rows := []podRow{}
			for _, r := range all {
				if match(r) {
					rows = append(rows, r)
				}
			}
			rows = order.apply(rows)
			return printList(a, listOutput{name: "pod ps", format: format, defaultFormat: cols.format(),
				quiet: quiet, noHeading: noHeading, headers: podPsHeaders}, rows, func(r podRow) string { return r.ID })
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&format, "format", "", "Go template or json")
	stringArrayVarP(fs, &filters, "filter", "f", "filter: id, name, label, status, ctr-names, ctr-ids, ctr-status, ctr-number, network, until (KEY=VALUE)")
	fs.BoolVarP(&quiet, "quiet", "q", false, "print only pod IDs")
	fs.BoolVar(&noTrunc, "no-trunc", false, "do not truncate IDs")
	fs.BoolVar(&noHeading, "noheading", false, "do not print the header line")
	cols.register(fs)
	order.register(fs)
	return outsideFirst(cmd)
}
