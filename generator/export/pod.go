package export

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/names"
	"github.com/podunit/podunit/generator/unitfile"
)

// Pod writes a pod's unit followed by one unit per member. The pod's unit
// pins the shared namespaces (a oneshot: no process stays), Wants= and comes
// Before= its members; each member BindsTo= and comes After= it.
func Pod(p *model.Pod, members []*model.Container, o Options) ([]Unit, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	if err := names.Validate("pod", p.Name); err != nil {
		return nil, err
	}
	f := &unitfile.File{}
	o.unitSection(f, "podunit pod "+p.Name)
	for _, c := range members {
		f.Add("Unit", "Wants", ContainerUnit(c.Name))
		f.Add("Unit", "Before", ContainerUnit(c.Name))
	}
	if err := o.podService(f, p); err != nil {
		return nil, fmt.Errorf("pod %q: %w", p.Name, err)
	}
	f.Add("Install", "WantedBy", o.wantedBy())
	u, err := render(PodUnit(p.Name), f)
	if err != nil {
		return nil, err
	}
	units := []Unit{u}
	after := initOrder(members) // initctr.go
	for _, c := range members {
		u, err := containerUnits(c, p, o, after[c.Name])
		if err != nil {
			return nil, err
		}
		units = append(units, u...)
	}
	return units, nil
}

func (o Options) podService(f *unitfile.File, p *model.Pod) error {
	f.Add("Service", "Environment", "PODUNIT_SYSTEMD_UNIT=%n")
	f.Add("Service", "Slice", names.PodSlice(p.Name, p.ID))
	f.Add("Service", "Type", "oneshot")
	f.Add("Service", "RemainAfterExit", "yes")
	// --new: one process creates the pod and brings it up in the unit
	// (pod create --unit), instead of an ExecStartPre= and an ExecStart=.
	startArgs := []string{"pod", "unit-start", p.Name}
	if o.New {
		startArgs = append([]string{"pod", "create", "--unit", "--replace"}, podFlags(p)...)
	}
	start, err := o.command(startArgs...)
	if err != nil {
		return err
	}
	stopArgs := []string{"pod", "unit-stop"}
	if o.New {
		stopArgs = append(stopArgs, "--rm")
	}
	stop, err := o.command(append(stopArgs, p.Name)...)
	if err != nil {
		return err
	}
	f.Add("Service", "ExecStart", start)
	f.Add("Service", "ExecStopPost", stop)
	return nil
}

// podFlags rebuilds `pod create` flags from a pod's configuration.
func podFlags(p *model.Pod) []string {
	cfg := &p.Config
	args := []string{"--name", p.Name, "--share", strings.Join(cfg.Share, ",")}
	if cfg.Hostname != "" {
		args = append(args, "--hostname", cfg.Hostname)
	}
	for _, k := range slices.Sorted(maps.Keys(cfg.Labels)) {
		args = append(args, "-l", k+"="+cfg.Labels[k])
	}
	if cfg.ExitPolicy != "" {
		args = append(args, "--exit-policy", cfg.ExitPolicy)
	}
	if cfg.Memory > 0 {
		args = append(args, "--memory", strconv.FormatInt(cfg.Memory, 10))
	}
	if cfg.CPUs > 0 {
		args = append(args, "--cpus", strconv.FormatFloat(cfg.CPUs, 'f', -1, 64))
	}
	if cfg.ShmSize > 0 {
		args = append(args, "--shm-size", strconv.FormatInt(cfg.ShmSize, 10))
	}
	args = append(args, netArgs(cfg.Network, cfg.NetConfig, cfg.Ports)...)
	args = append(args, usernsFlags(cfg.UserNSConfig)...)
	return append(args, hostNSFlags(cfg.PodHostNS)...) // pod_hostns.go
}
