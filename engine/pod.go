package engine

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/names"
	"github.com/podunit/podunit/engine/network"
)

// PodCreateOptions is what `pod create` is asked for.
type PodCreateOptions struct {
	Name    string
	Replace bool
	Network string   // --network: a network's name, bridge, none or host; "" containers.conf's
	Publish []string // -p/--publish
	// FirstNetworkOpts are --ip, --ip6, --mac-address and --network-alias
	// for the first network.
	FirstNetworkOpts model.NetworkOpts
	model.PodConfig
}

// defaultShare is what a pod's members share unless told otherwise (Podman's
// default, less cgroup: each member has its own cgroup in the pod's slice).
var defaultShare = []string{network.IPC, network.Net, network.UTS}

// PodCreate records a new pod. Nothing runs for it until it starts.
func (e *Engine) PodCreate(ctx context.Context, o PodCreateOptions) (*model.Pod, error) {
	id := names.NewID()
	if o.Name == "" {
		o.Name = "pod-" + names.ShortID(id)
	}
	if err := names.Validate("pod", o.Name); err != nil {
		return nil, err
	}
	cfg := o.PodConfig
	if err := completePodConfig(&cfg); err != nil {
		return nil, fmt.Errorf("pod %q: %w", o.Name, err)
	}
	if err := e.podNetwork(ctx, &cfg, o.Network, o.Publish, o.FirstNetworkOpts); err != nil {
		return nil, fmt.Errorf("pod %q: %w", o.Name, err)
	}
	if o.Replace { // that very name: no ID prefix (see replace)
		old, err := e.store.PodExact(ctx, o.Name)
		if err == nil {
			err = e.PodRemove(ctx, old.ID, true, nil)
		}
		if err != nil && !errdefs.IsNotFound(err) {
			return nil, err
		}
	}
	p := &model.Pod{ID: id, Name: o.Name, Created: time.Now().UTC(), Config: cfg}
	if err := e.store.AddPod(ctx, p); err != nil {
		return nil, err
	}
	if err := e.reservePodUserNS(p); err != nil { // podident.go
		_ = e.store.RemovePod(context.WithoutCancel(ctx), p.ID)
		return nil, fmt.Errorf("pod %q: %w", p.Name, err)
	}
	e.podEvent(p, "create")
	return p, nil
}

func completePodConfig(cfg *model.PodConfig) error {
	if cfg.Share == nil {
		cfg.Share = append([]string{}, defaultShare...)
	}
	for _, ns := range cfg.Share {
		switch ns {
		case network.Net, network.IPC, network.UTS:
		case network.PID: // held by catatonit while the pod is started
		default:
			return fmt.Errorf("--share %q: want net, ipc or uts: %w", ns, errdefs.ErrInvalidArgument)
		}
	}
	if err := completePodHostNS(cfg); err != nil { // pod_hostns.go
		return err
	}
	if cfg.Hostname != "" && !cfg.Shares(network.UTS) {
		return fmt.Errorf("--hostname needs the UTS namespace shared: %w", errdefs.ErrInvalidArgument)
	}
	if err := validateHostname(cfg.Hostname); err != nil {
		return err
	}
	if err := validatePodUserNS(cfg); err != nil {
		return err
	}
	switch cfg.ExitPolicy {
	case "":
		cfg.ExitPolicy = "continue"
	case "continue", "stop":
	default:
		return fmt.Errorf("--exit-policy %q: want continue or stop: %w", cfg.ExitPolicy, errdefs.ErrInvalidArgument)
	}
	if cfg.Memory < 0 || cfg.CPUs < 0 {
		return fmt.Errorf("--memory and --cpus must not be negative: %w", errdefs.ErrInvalidArgument)
	}
	return nil
}

// Pod finds a pod by name, ID or unique ID prefix.
func (e *Engine) Pod(ctx context.Context, ref string) (*model.Pod, error) {
	return e.store.Pod(ctx, ref)
}

// Pods lists every pod.
func (e *Engine) Pods(ctx context.Context) ([]*model.Pod, error) {
	return e.store.Pods(ctx)
}

// PodContainers lists a pod's members in creation order (the order they
// start in), their statuses brought up to date (refreshIfGone; one that
// cannot be is listed as recorded).
func (e *Engine) PodContainers(ctx context.Context, p *model.Pod) ([]*model.Container, error) {
	members, err := e.store.PodContainers(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	for i, c := range members {
		if fresh, err := e.refreshIfGone(ctx, c); err == nil {
			members[i] = fresh
		}
	}
	return members, nil
}

// HasContainer reports whether the container ref belongs to the pod.
func (e *Engine) HasContainer(ctx context.Context, p *model.Pod, ref string) (bool, error) {
	c, err := e.store.Container(ctx, ref)
	if errdefs.IsNotFound(err) {
		return false, nil
	}
	return err == nil && c.Config.Pod == p.ID, err
}

// PodStatus maps each member's ID to its status, and gives the pod's.
func (e *Engine) PodStatus(ctx context.Context, p *model.Pod) (map[string]model.Status, string, error) {
	members, err := e.PodContainers(ctx, p)
	if err != nil {
		return nil, "", err
	}
	byID := make(map[string]model.Status, len(members))
	var all []model.Status
	for _, c := range members {
		byID[c.ID] = c.State.Status
		if c.InPodStatus() {
			all = append(all, c.State.Status)
		}
	}
	return byID, model.PodStatus(all), nil
}

// podDir is where a pod's pinned namespaces live.
func (e *Engine) podDir(p *model.Pod) string {
	return filepath.Join(e.runDir, "pods", p.ID)
}

// podNamespaces is where a pod's shared namespaces are pinned.
func (e *Engine) podNamespaces(p *model.Pod) network.Pinned {
	return network.Pinned{Dir: filepath.Join(e.podDir(p), "ns")}
}

// lockPod takes the pod's lock. The order is always pod, then member: a
// container command never waits for a pod lock while holding its own.
func (e *Engine) lockPod(ctx context.Context, p *model.Pod) (func(), error) {
	return e.lockWhile(ctx, "pod-"+p.ID, e.podExists(ctx, p))
}

// podExists is lockWhile's question for a lock of pod p: is it recorded.
func (e *Engine) podExists(ctx context.Context, p *model.Pod) func() bool {
	return func() bool {
		ok, err := e.store.HasPod(context.WithoutCancel(ctx), p.ID)
		return ok || err != nil // a lock file too many rather than one gone under a holder
	}
}
