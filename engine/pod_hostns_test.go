package engine

import (
	"slices"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
)

// TestPodHostNS: --pid host and --ipc host take the namespace out of the
// pod's shared ones; other values and --pid host with a pod user
// namespace are refused, naming the flag.
func TestPodHostNS(t *testing.T) {
	for _, c := range []struct {
		cfg       model.PodConfig
		wantShare []string
	}{
		{model.PodConfig{PodHostNS: model.PodHostNS{IPCMode: "host"}}, []string{"net", "uts"}},
		{model.PodConfig{Share: []string{"pid", "ipc", "net"}, PodHostNS: model.PodHostNS{PIDMode: "host", IPCMode: "host"}}, []string{"net"}},
		{model.PodConfig{PodHostNS: model.PodHostNS{PIDMode: "private", IPCMode: "private"}}, []string{"ipc", "net", "uts"}},
	} {
		cfg := c.cfg
		if err := completePodConfig(&cfg); err != nil {
			t.Fatalf("%+v: %v", c.cfg.PodHostNS, err)
		}
		if !slices.Equal(cfg.Share, c.wantShare) || cfg.PIDMode == "private" || cfg.IPCMode == "private" {
			t.Errorf("%+v: share %q, modes %+v; want share %q, private as \"\"", c.cfg.PodHostNS, cfg.Share, cfg.PodHostNS, c.wantShare)
		}
	}
	for _, c := range []struct {
		cfg  model.PodConfig
		want string
	}{
		{model.PodConfig{PodHostNS: model.PodHostNS{PIDMode: "container:x"}}, `--pid "container:x"`},
		{model.PodConfig{PodHostNS: model.PodHostNS{IPCMode: "shareable"}}, `--ipc "shareable"`},
		{model.PodConfig{PodHostNS: model.PodHostNS{PIDMode: "host"}, UserNSConfig: model.UserNSConfig{UserNS: "auto"}}, "--pid host"},
	} {
		cfg := c.cfg
		err := completePodConfig(&cfg)
		if !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want an argument error naming %s", c.cfg.PodHostNS, err, c.want)
		}
	}
}

// TestMemberNamespacesHost: a host entry gives the member no namespace of
// that kind (the runtime leaves it in the host's), and for pid no fresh one.
func TestMemberNamespacesHost(t *testing.T) {
	list := memberNamespaces([]nsEntry{{kind: "ipc", host: true}, {kind: "uts", path: "/run/uts"}, {kind: "pid", host: true}})
	for _, ns := range list {
		if ns.Type == specs.PIDNamespace || ns.Type == specs.IPCNamespace {
			t.Errorf("the host's %s namespace in the spec as %+v", ns.Type, ns)
		}
	}
	if !slices.Contains(list, specs.LinuxNamespace{Type: specs.UTSNamespace, Path: "/run/uts"}) {
		t.Errorf("the pod's UTS namespace is missing: %+v", list)
	}
}
