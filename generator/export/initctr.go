package export

import (
	"fmt"

	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/generator/unitfile"
)

// A pod's init containers run to completion, in creation order, before its
// other members start, at every start of the pod (Podman's --init-ctr
// always, the kubelet's rule). In units: an init container's service is
// Type=oneshot, its start job done only when its container exited (the
// container's init is the main process, as MAINPID= makes it), and
// RemainAfterExit=yes keeps it active until the pod's unit stops: each
// init container Requires= and comes After= the one before it, every
// other member all of them, so a failing one (a failed start job) keeps
// the others stopped, while a member that systemd restarts alone finds
// them active and does not run them again. ExecStartPost= records the
// exit (0: a oneshot's start fails on any other) while the unit stays
// active; ExecStopPost= still records a failure.

// initOrder maps each member's name to the units it comes after: an init
// container the one before it, any other member every init container.
func initOrder(members []*model.Container) map[string][]string {
	after := map[string][]string{}
	var inits []string
	for _, c := range members {
		if c.Config.InitCtr == "" {
			continue
		}
		if len(inits) > 0 {
			after[c.Name] = inits[len(inits)-1:]
		}
		inits = append(inits, ContainerUnit(c.Name))
	}
	for _, c := range members {
		if c.Config.InitCtr == "" {
			after[c.Name] = inits
		}
	}
	return after
}

// serviceType is Type= of c's service.
func serviceType(c *model.Container) string {
	if c.Config.InitCtr != "" {
		return "oneshot"
	}
	return "notify"
}

// initSettings are what an init container's service adds.
func initSettings(f *unitfile.File, c *model.Container, cleanup string) {
	if c.Config.InitCtr == "" {
		return
	}
	f.Add("Service", "RemainAfterExit", "yes")
	f.Add("Service", "ExecStartPost", cleanup)
}

// checkInitUnit refuses a "once" init container: it is removed after its
// first run, which a unit started at every boot cannot express.
func checkInitUnit(c *model.Container) error {
	if c.Config.InitCtr == model.InitCtrOnce {
		return fmt.Errorf("container %q is an init container of type once (removed after its first run): "+
			"its unit would run it at every start; make it --init-ctr always", c.Name)
	}
	return nil
}
