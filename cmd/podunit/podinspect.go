package main

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/names"
)

// podInspectData is a pod in `podman pod inspect`'s shape.
type podInspectData struct {
	ID               string             `json:"Id"`
	Name             string             `json:"Name"`
	Created          time.Time          `json:"Created"`
	State            string             `json:"State"`
	Hostname         string             `json:"Hostname"`
	Labels           map[string]string  `json:"Labels"`
	ExitPolicy       string             `json:"ExitPolicy"`
	SharedNamespaces []string           `json:"SharedNamespaces"`
	CgroupParent     string             `json:"CgroupParent"`
	Unit             string             `json:"Unit"`
	NumContainers    int                `json:"NumContainers"`
	Containers       []podInspectMember `json:"Containers"`
	MemoryLimit      int64              `json:"MemoryLimit"`
	CPUs             float64            `json:"CPUs"`
	InfraConfig      *podInfraConfig    `json:"InfraConfig"`
	podInspectMore
}

func newPodInspect(p *model.Pod, members []*model.Container) podInspectData {
	row := newPodRow(p, members, true, time.Now())
	return podInspectData{ID: p.ID, Name: p.Name, Created: p.Created, State: row.Status,
		Hostname: p.Config.Hostname, Labels: p.Config.Labels, ExitPolicy: p.Config.ExitPolicy,
		SharedNamespaces: p.Config.Share, CgroupParent: names.PodSlice(p.Name, p.ID),
		Unit: names.PodUnit(p.Name, p.ID), NumContainers: len(members), Containers: podInspectMembers(row.Containers),
		MemoryLimit: p.Config.Memory, CPUs: p.Config.CPUs, InfraConfig: newPodInfraConfig(&p.Config),
		podInspectMore: podInspectMore{CreateCgroup: true}}
}

func (a *app) podInspectCommand() *cobra.Command {
	return outsideFirst(a.inspectVerb("inspect [flags] POD [POD...]", "Show pods as JSON",
		func(cmd *cobra.Command, ref string) (any, error) {
			p, err := a.eng.Pod(a.ctx(cmd), ref)
			if err != nil {
				return nil, err
			}
			members, err := a.eng.PodContainers(a.ctx(cmd), p)
			if err != nil {
				return nil, err
			}
			return newPodInspect(p, members), nil
		}))
}

func (a *app) podTopCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "top POD [DESCRIPTOR...]",
		Short: "List the processes of a pod's running members",
		Long:  "List the processes of a pod's running members, with top's descriptors (see podunit top --help).",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := a.engine()
			if err != nil {
				return err
			}
			header, rows, err := eng.PodTop(a.ctx(cmd), args[0], args[1:])
			if err != nil {
				return err
			}
			return a.printTop(header, rows)
		},
	}
}

// podUnitStartCommand is what a pod's unit runs as ExecStart=.
func (a *app) podUnitStartCommand() *cobra.Command {
	return a.systemdVerb("unit-start POD", "Pin a pod's namespaces inside its unit (run by systemd)",
		func(ctx context.Context, eng *engine.Engine, ref string) error {
			return eng.PodUnitStart(ctx, ref)
		})
}

// podUnitStopCommand is what a pod's unit runs as ExecStopPost=.
func (a *app) podUnitStopCommand() *cobra.Command {
	var rm bool
	cmd := &cobra.Command{
		Use:    "unit-stop POD",
		Short:  "Tear down a pod's namespaces (run by systemd)",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := a.engine()
			if err != nil {
				return err
			}
			return eng.PodUnitStop(a.ctx(cmd), args[0], rm)
		},
	}
	cmd.Flags().BoolVar(&rm, "rm", false, "also remove the pod and its containers")
	return cmd
}
