package main

import (
	"strings"

	"github.com/spf13/cobra"

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
// the image is gone or the container runs from --rootfs).
func (a *app) newInspectMore(cmd *cobra.Command, eng *engine.Engine, c *model.Container) inspectMore {
	m := inspectMore{Driver: eng.Images().Driver(), Dependencies: []string{}, ExecIDs: eng.ExecIDs(c)}
	if b, e, err := engine.Capabilities(c); err == nil {
		m.BoundingCaps, m.EffectiveCaps = b, e
	}
	m.AppArmorProfile = securityOptValue(c.Config.Identity.SecurityOpt, "apparmor")
	m.RuntimeFiles = eng.ContainerFiles(c)
	m.GraphDriver = image.GraphDriver{Name: m.Driver, Data: map[string]string{}}
	if g, err := eng.Images().RootfsGraphDriver(c.ID); err == nil {
		m.GraphDriver = g
	}
	if c.ImageID != "" {
		if img, err := eng.Images().Inspect(a.ctx(cmd), c.ImageID); err == nil {
			m.ImageDigest = img.Digest
		}
	}
	return m
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
