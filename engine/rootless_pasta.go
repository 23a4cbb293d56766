package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/names"
	"github.com/podunit/podunit/engine/network"
	"github.com/podunit/podunit/engine/systemd"
)

// Rootless networking with pasta (Podman's rootless default): the engine
// makes the network namespace itself, holds it open, starts pasta on it
// (pasta sets up its interface and forwards the published ports, then goes
// to the background) and gives the runtime the held namespace, so the
// container's first instruction already has its network. pasta's pid is
// in <runroot>/podunit/pasta/OWNER.pid; release ends it. A standalone
// container's pasta is its own (OWNER its ID); a rootless pod's is the
// pod's (OWNER pod-ID), made by the first member to start and ended when
// the last one ends.

// pastaMode is the --network value of rootless pasta networking.
const pastaMode = "pasta"

// pastaPidFile is where the pasta of owner (a container's ID, or pod-ID)
// writes its pid.
func (e *Engine) pastaPidFile(owner string) string {
	return filepath.Join(e.runDir, "pasta", owner+".pid")
}

// pastaNetns makes a network namespace served by a new pasta for owner,
// publishing ports, and returns a path to it the runtime can open. It is
// held open until the container's init is recorded (releasePodNS).
func (e *Engine) pastaNetns(ctx context.Context, owner string, ports []model.PortMapping, own []string) (string, error) {
	pidFile := e.pastaPidFile(owner)
	opts, err := e.pastaOptions(own)
	if err != nil {
		return "", err
	}
	return e.helperNetns(pidFile, network.StopPasta, func(ns *os.File) error {
		return network.Pasta{Netns: ns, PidFile: pidFile, Ports: netPorts(ports), Options: opts}.Start(ctx)
	})
}

// helperNetns makes a network namespace, held open, and starts the helper
// that serves it (pasta or slirp4netns; stop ends one a crash left).
func (e *Engine) helperNetns(pidFile string, stop func(string) error, start func(*os.File) error) (string, error) {
	if err := stop(pidFile); err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(pidFile), 0o700); err != nil {
		return "", err
	}
	ns, err := network.NewNetns()
	if err != nil {
		return "", err
	}
	if err := start(ns); err != nil {
		_ = ns.Close()
		return "", helperHint(err)
	}
	e.holdUntilRecorded(ns)
	return fmt.Sprintf("/proc/%d/fd/%d", os.Getpid(), ns.Fd()), nil
}

// helperHint adds to a helper's failure what is likely missing: a
// /dev/net/tun the user may open (0666 where systemd-tmpfiles'
// static-nodes-permissions.conf ran; a bare devtmpfs makes it 0600), or a
// host interface with a default route, which pasta copies.
func helperHint(err error) error {
	if unix.Access("/dev/net/tun", unix.R_OK|unix.W_OK) != nil {
		return fmt.Errorf("%w (the user may not open /dev/net/tun: it must be mode 0666, "+
			"as systemd-tmpfiles' static-nodes-permissions.conf makes it; or give --network none)", err)
	}
	if strings.Contains(err.Error(), "routable interface") {
		return fmt.Errorf("%w (pasta copies the host's interface with a default route, and this host has none; "+
			"give --network none or slirp4netns)", err)
	}
	return err
}

// holdUntilRecorded keeps f open until releasePodNS, after the runtime has
// joined what it names.
func (e *Engine) holdUntilRecorded(f *os.File) {
	next := e.podns
	e.podns = func() {
		_ = f.Close()
		if next != nil {
			next()
		}
	}
}

// releasePasta ends what pastaNetns started for c: its own pasta, or its
// pod's when no other member runs. The pod's namespace lock is held while
// it looks, so a member starting meanwhile either is seen or starts a pasta
// of its own after this one ended.
func (e *Engine) releasePasta(ctx context.Context, c *model.Container) error {
	if c.Config.Pod == "" && (e.cfg.Rootless.On || c.Config.Network == pastaMode) {
		return e.stopHelpers(c.ID)
	}
	if !e.cfg.Rootless.On || c.Config.Pod == "" {
		return nil
	}
	if e.podns == nil {
		if err := e.holdPodNS(ctx, c.Config.Pod); err != nil {
			return e.stopHelpers("pod-" + c.Config.Pod) // the pod is gone: so are its members
		}
		defer e.releasePodNS()
	}
	if h, err := e.podHolder(ctx, c); err != nil || h != nil {
		return err
	}
	return e.stopHelpers("pod-" + c.Config.Pod)
}

// stopHelpers ends owner's pasta or slirp4netns.
func (e *Engine) stopHelpers(owner string) error {
	return errors.Join(network.StopPasta(e.pastaPidFile(owner)), network.StopSlirp(e.slirpPidFile(owner)))
}

// podHelperNetns is pastaNetns (or slirpNetns) for rootless pod p's first
// member to start. Started from a member's unit, the helper moves to a
// scope of its own in the pod's slice: left in that unit's cgroup, systemd
// would kill it with that member while the others run on.
func (e *Engine) podHelperNetns(ctx context.Context, p *model.Pod) (string, error) {
	owner := "pod-" + p.ID
	var path string
	var err error
	pid := func() int { return network.PastaPid(e.pastaPidFile(owner)) }
	if p.Config.Network == slirpMode {
		path, err = e.slirpNetns(ctx, owner, p.Config.Ports, p.Config.ModeOptions)
		pid = func() int { return network.SlirpPid(e.slirpPidFile(owner)) }
	} else {
		path, err = e.pastaNetns(ctx, owner, p.Config.Ports, p.Config.ModeOptions)
	}
	if err != nil {
		return "", err
	}
	if _, err := ownUnit(); err != nil {
		return path, nil // attached: no unit to outlive
	}
	e.helperScope(ctx, p, pid())
	return path, nil
}

// helperScope moves pid, pod p's pasta or slirp4netns, to a scope of its
// own in the pod's slice (a failure is a warning: it stays where it is).
func (e *Engine) helperScope(ctx context.Context, p *model.Pod, pid int) {
	if pid == 0 {
		return // ended already: the runtime finds no network, and says so
	}
	conn, err := e.connect(ctx)
	if err == nil {
		defer conn.Close()
		err = conn.StartTransient(ctx, systemd.Transient{
			Name: fmt.Sprintf("podunit-pasta-%s-%d.scope", p.ID[:12], pid), Description: "network of podunit pod " + p.Name,
			Slice: names.PodSlice(p.Name, p.ID), CollectMode: "inactive-or-failed",
			Properties: []systemd.Property{{Name: "PIDs", Value: []uint32{uint32(pid)}}},
		})
	}
	if err != nil && e.cfg.Warn != nil {
		e.cfg.Warn(fmt.Errorf("pod %q: its network helper stays in this member's unit, which ends it when it stops: %w", p.Name, err))
	}
}
