package engine

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/oci"
	"github.com/podunit/podunit/engine/spec"
)

func TestRootlessNetwork(t *testing.T) {
	root := &Engine{}
	if _, done, _ := root.rootlessNetwork(""); done {
		t.Fatal("root's networks are not the rootless ones")
	}
	e := &Engine{cfg: Config{Rootless: Rootless{On: true, UID: 1001, GID: 1001}}}
	if m, done, err := e.rootlessNetwork("none"); !done || err != nil || m != "none" {
		t.Errorf("none: got %q %v %v", m, done, err)
	}
	bin := t.TempDir()
	for _, name := range []string{"pasta", "slirp4netns"} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if m, _, err := e.rootlessNetwork("slirp4netns"); err != nil || m != "slirp4netns" {
		t.Errorf("slirp4netns: got %q %v", m, err)
	}
	t.Setenv("PATH", bin)
	for _, mode := range []string{"", "private", "pasta"} {
		if m, done, err := e.rootlessNetwork(mode); !done || err != nil || m != "pasta" {
			t.Errorf("%q: got %q %v %v, want pasta", mode, m, done, err)
		}
	}
	t.Setenv("PATH", t.TempDir())
	if _, _, err := e.rootlessNetwork(""); !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), "passt") {
		t.Errorf("without pasta: %v, want the package named", err)
	}
	if _, _, err := e.rootlessNetwork("slirp4netns"); !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), "apt-get install slirp4netns") {
		t.Errorf("without slirp4netns: %v, want the package named", err)
	}
	if _, done, err := e.rootlessNetwork("bridge"); !done || !errors.Is(err, errdefs.ErrNotImplemented) {
		t.Errorf("bridge: want not implemented, got %v", err)
	}
	for _, mode := range []string{"pasta:-T,8080", "slirp4netns:port_handler=slirp4netns"} { // containers.conf's netns
		if _, done, err := e.rootlessNetwork(mode); !done || !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), "--network") {
			t.Errorf("%q: want an invalid argument pointing at --network, got %v", mode, err)
		}
	}
	if _, done, _ := e.rootlessNetwork("host"); done {
		t.Error("host is resolved as for root")
	}
	if !publishes("pasta") || publishes("none") || isNetwork("pasta") {
		t.Error("pasta publishes ports and is no network's name")
	}
}

func TestRootlessInputDropsCgroups(t *testing.T) {
	var warned []error
	e := &Engine{cfg: Config{Rootless: Rootless{On: true}, Warn: func(err error) { warned = append(warned, err) }}}
	in := spec.Input{Name: "c", CgroupsPath: "/podunit/x", Limits: spec.Limits{Memory: 1 << 20, ShmSize: 1 << 16}}
	rt := e.rootlessInput(&in, &oci.Runtime{Name: "crun"})
	if in.CgroupsPath != "" || in.PidsLimit != -1 || in.Limits.Memory != 0 || in.Limits.ShmSize != 1<<16 || !rt.NoCgroups {
		t.Fatalf("input %+v, runtime %+v", in, rt)
	}
	if len(warned) != 1 {
		t.Fatalf("warnings %v", warned)
	}
	if rt := e.rootlessInput(&spec.Input{}, &oci.Runtime{Name: "runc"}); rt.NoCgroups {
		t.Error("runc has no --cgroup-manager=disabled")
	}
	root := &Engine{}
	in = spec.Input{CgroupsPath: "/podunit/x"}
	if rt := root.rootlessInput(&in, &oci.Runtime{Name: "crun"}); rt.NoCgroups || in.CgroupsPath == "" {
		t.Error("root keeps its cgroups")
	}
}

func TestRootlessNoFreezeSaysWhy(t *testing.T) {
	c := &model.Container{Name: "web", State: model.State{Unit: "podunit-web.service"}}
	if err := rootlessNoFreeze(c, nil); !errdefs.IsNotImplemented(err) || !strings.Contains(err.Error(), "run it with -d") {
		t.Errorf("attached: %v", err)
	}
	cause := fmt.Errorf("freeze unit podunit-web.service: %w", errdefs.ErrNotImplemented)
	err := rootlessNoFreeze(c, cause)
	if !errors.Is(err, cause) || !strings.Contains(err.Error(), "cgroup v2") || !strings.Contains(err.Error(), c.State.Unit) {
		t.Errorf("unit: %v", err)
	}
}

func TestHelperHint(t *testing.T) {
	cause := errors.New("starting pasta: exit status 1: No external routable interface for IPv4")
	err := helperHint(cause)
	if !errors.Is(err, cause) {
		t.Fatalf("the cause is lost: %v", err)
	}
	if unix.Access("/dev/net/tun", unix.R_OK|unix.W_OK) == nil && !strings.Contains(err.Error(), "--network none or slirp4netns") {
		t.Errorf("no routable interface: %v", err)
	}
	if !strings.Contains(err.Error(), "/dev/net/tun") && !strings.Contains(err.Error(), "default route") {
		t.Errorf("no hint: %v", err)
	}
}
