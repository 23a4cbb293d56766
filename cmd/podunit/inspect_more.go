package main

import (
	"context"
	"strings"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/image"
	"github.com/podunit/podunit/engine/model"
)

// inspectMore are the keys of Podman's container inspect beyond the first
// set, with the values that hold for every podunit container: no
// dependencies (no infra container, no --requires), the exec sessions that
// run (exec -d, a detached exec -it), no libpod namespace, never a kube service container.
type inspectMore struct {
	Driver       string   `json:"Driver"`
	ImageDigest  string   `json:"ImageDigest"`
	Dependencies []string `json:"Dependencies"`
	ExecIDs      []string `json:"ExecIDs"`
	Namespace    string   `json:"Namespace"`
	IsService    bool     `json:"IsService"`
	// no conmon: podunit has no monitor process and so no pid file of one
	ConmonPidFile string   `json:"ConmonPidFile"`
	EffectiveCaps []string `json:"EffectiveCaps"`
	BoundingCaps  []string `json:"BoundingCaps"`
	// AppArmorProfile is --security-opt apparmor= as given; podunit applies
	// no profile of its own. SELinux labels are recorded only: no labels.
	AppArmorProfile string            `json:"AppArmorProfile"`
	ProcessLabel    string            `json:"ProcessLabel"`
	MountLabel      string            `json:"MountLabel"`
	GraphDriver     image.GraphDriver `json:"GraphDriver"`
	engine.RuntimeFiles
}

// newInspectMore reads the storage driver and the image's digest ("" when
// the image is gone or the container runs from --rootfs): as recorded when
// the rootfs was made, else from storage (engine.RootfsGraph, whose
// error is the only one).
func newInspectMore(ctx context.Context, eng *engine.Engine, c *model.Container) (inspectMore, error) {
	m := inspectMore{Dependencies: []string{}, ExecIDs: eng.ExecIDs(c)}
	if b, e, err := engine.Capabilities(c); err == nil {
		m.BoundingCaps, m.EffectiveCaps = b, e
	}
	m.AppArmorProfile = securityOptValue(c.Config.Identity.SecurityOpt, "apparmor")
	m.RuntimeFiles = eng.ContainerFiles(c)
	var err error
	m.GraphDriver, m.ImageDigest, err = eng.RootfsGraph(ctx, c)
	m.Driver = m.GraphDriver.Name
	return m, err
}

// securityOptValue is the value of the last --security-opt KEY=VALUE.
func securityOptValue(opts []string, key string) string {
	v := ""
	for _, o := range opts {
		if k, val, ok := strings.Cut(o, "="); ok && k == key {
			v = val
		}
	}
	return v
}
