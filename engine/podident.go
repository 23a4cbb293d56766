package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"syscall"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/image"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/network"
)

// validatePodUserNS checks a pod's user namespace at pod create: its own
// (maps or auto, not another's), and no shared PID namespace (its holder's
// would belong to the host's user namespace, where members could not mount
// /proc).
func validatePodUserNS(cfg *model.PodConfig) error {
	mode, _, _ := strings.Cut(cfg.UserNS, ":")
	if mode == "container" || mode == "ns" {
		return fmt.Errorf("--userns %q: a pod makes its own user namespace (--uidmap, --gidmap, --subuidname): %w", cfg.UserNS, errdefs.ErrInvalidArgument)
	}
	ns, err := userNSRequest(cfg.UserNSConfig)
	if err != nil || ns == nil {
		return err
	}
	if cfg.Shares(network.PID) {
		return fmt.Errorf("--share pid cannot be given with a pod user namespace: %w", errdefs.ErrInvalidArgument)
	}
	return nil
}

// podUserNS is the maps of p's own user namespace, nil when it has none:
// the explicit ones, or the auto range reserved at pod create.
func (e *Engine) podUserNS(p *model.Pod) (*image.UserNS, error) {
	if !p.Config.NewUserNS() {
		return nil, nil
	}
	ns, err := userNSRequest(p.Config.UserNSConfig)
	if err != nil || !ns.Auto {
		return ns, err
	}
	uids, gids, err := e.images.RootfsIDMaps(p.ID)
	if err != nil {
		return nil, fmt.Errorf("pod %q: its user namespace range: %w", p.Name, err)
	}
	return &image.UserNS{UIDMap: uids, GIDMap: gids}, nil
}

// podAutoRangeSize is the size of a pod's auto range without size=: a pod
// has no image to measure, and 65536 IDs hold any image's (nobody included).
const podAutoRangeSize = 65536

// reservePodUserNS takes p's auto range (a storage container with the
// pod's ID holds it), after p's record exists; removePodUserNS frees it.
func (e *Engine) reservePodUserNS(p *model.Pod) error {
	ns, err := userNSRequest(p.Config.UserNSConfig)
	if err != nil || ns == nil || !ns.Auto {
		return err
	}
	if ns.AutoSize == 0 {
		ns.AutoSize = podAutoRangeSize
	}
	return e.images.ReserveUserNS(p.ID, "podunit-pod-userns-"+p.ID[:12], ns)
}

// removePodUserNS frees p's auto range, if it has one. A pod that asked
// for none has none to free, and storage is not opened to look (pod rm
// of a pod without members reads nothing else of it).
func (e *Engine) removePodUserNS(p *model.Pod) error {
	if ns, err := userNSRequest(p.Config.UserNSConfig); err == nil && (ns == nil || !ns.Auto) {
		return nil
	}
	if !e.images.RootfsExists(p.ID) {
		return nil
	}
	return e.images.DeleteRootfs(p.ID)
}

// pinPod pins p's shared namespaces, inside a user namespace of its own
// when it has one.
func (e *Engine) pinPod(p *model.Pod) (network.Pinned, error) {
	dir, kinds := e.podNamespaces(p).Dir, pinnable(p.Config.Share)
	ns, err := e.podUserNS(p)
	if err != nil || ns == nil {
		if err != nil {
			return network.Pinned{}, err
		}
		return network.Pin(dir, kinds, p.Config.Hostname)
	}
	return network.PinUserNS(dir, kinds, p.Config.Hostname, sysMaps(ns.UIDMap), sysMaps(ns.GIDMap))
}

func sysMaps(maps []image.IDMap) []syscall.SysProcIDMap {
	var out []syscall.SysProcIDMap
	for _, m := range maps {
		out = append(out, syscall.SysProcIDMap{ContainerID: m.ContainerID, HostID: m.HostID, Size: m.Size})
	}
	return out
}

// podUserEntry is the pod's pinned user namespace for its members, first
// (the runtime joins it before the namespaces it owns); none without one.
func podUserEntry(p *model.Pod, pinned network.Pinned) []nsEntry {
	if !p.Config.NewUserNS() {
		return nil
	}
	return []nsEntry{{kind: network.User, path: pinned.Path(network.User)}}
}

// inheritPodUserNS gives a member its pod's user namespace, whose maps its
// rootfs must be made for; a member cannot ask for another one.
func (e *Engine) inheritPodUserNS(ctx context.Context, c *model.Container) error {
	if c.Config.Pod == "" {
		return nil
	}
	p, err := e.podOf(ctx, c)
	if err != nil {
		return err
	}
	own, pods := c.Config.UserNSConfig, p.Config.UserNSConfig
	if !pods.NewUserNS() {
		return nil
	}
	if !own.IsZero() && !equalUserNS(own, pods) {
		return fmt.Errorf("container %q: a member of pod %q has the pod's user namespace; leave --userns, --uidmap, --gidmap, --subuidname and --subgidname to the pod: %w",
			c.Name, p.Name, errdefs.ErrInvalidArgument)
	}
	c.Config.UserNSConfig = pods
	return nil
}

func equalUserNS(a, b model.UserNSConfig) bool {
	return a.UserNS == b.UserNS && slices.Equal(a.UIDMap, b.UIDMap) && slices.Equal(a.GIDMap, b.GIDMap) &&
		a.SubUIDName == b.SubUIDName && a.SubGIDName == b.SubGIDName
}
