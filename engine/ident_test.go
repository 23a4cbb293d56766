package engine

import (
	"errors"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/image"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/network"
)

func TestParseSecurityOpts(t *testing.T) {
	o, err := parseSecurityOpts([]string{"label=disable", "label:type:spc_t", "apparmor=unconfined", "seccomp=/p.json",
		"no-new-privileges", "mask=/a:/b/", "unmask=ALL", "systempaths=unconfined"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(o.labels, []string{"disable", "type:spc_t"}) || o.apparmor != "unconfined" || o.seccomp != "/p.json" ||
		!o.noNewPrivs || !slices.Equal(o.mask, []string{"/a", "/b"}) || !slices.Equal(o.unmask, []string{"ALL", "ALL"}) {
		t.Errorf("parsed %+v", o)
	}
	for _, bad := range []string{"bogus", "label=maybe", "label=type:", "seccomp=", "no-new-privileges=perhaps",
		"mask=relative", "unmask=/a:b", "systempaths=open", "apparmor="} {
		_, err := parseSecurityOpts([]string{bad})
		if !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), "--security-opt \""+bad+"\"") {
			t.Errorf("%q: %v, want an invalid argument naming it", bad, err)
		}
	}
}

func TestUserNSRequest(t *testing.T) {
	for _, tc := range []struct {
		id   model.UserNSConfig
		want *image.UserNS
	}{
		{model.UserNSConfig{}, nil},
		{model.UserNSConfig{UserNS: "host"}, nil},
		{model.UserNSConfig{UserNS: "container:web"}, nil}, // the engine takes web's maps
		{model.UserNSConfig{UserNS: "auto"}, &image.UserNS{Auto: true}},
		{model.UserNSConfig{UserNS: "private"}, &image.UserNS{Auto: true}},
		{model.UserNSConfig{UserNS: "auto:size=500,uidmapping=0:1000:1,gidmapping=0:2000:1"},
			&image.UserNS{Auto: true, AutoSize: 500, AutoUIDMap: []image.IDMap{idm(0, 1000, 1)}, AutoGIDMap: []image.IDMap{idm(0, 2000, 1)}}},
		{model.UserNSConfig{UIDMap: []string{"0:100000:1000"}},
			&image.UserNS{UIDMap: []image.IDMap{idm(0, 100000, 1000)}, GIDMap: []image.IDMap{idm(0, 100000, 1000)}}},
		{model.UserNSConfig{UserNS: "private", GIDMap: []string{"0:5:1", "1:10:5"}},
			&image.UserNS{UIDMap: []image.IDMap{idm(0, 5, 1), idm(1, 10, 5)}, GIDMap: []image.IDMap{idm(0, 5, 1), idm(1, 10, 5)}}},
	} {
		got, err := userNSRequest(tc.id)
		if err != nil {
			t.Errorf("%+v: %v", tc.id, err)
			continue
		}
		if tc.want == nil && got != nil || tc.want != nil && (got == nil || got.Auto != tc.want.Auto || got.AutoSize != tc.want.AutoSize ||
			!slices.Equal(got.UIDMap, tc.want.UIDMap) || !slices.Equal(got.GIDMap, tc.want.GIDMap) ||
			!slices.Equal(got.AutoUIDMap, tc.want.AutoUIDMap) || !slices.Equal(got.AutoGIDMap, tc.want.AutoGIDMap)) {
			t.Errorf("%+v: got %+v, want %+v", tc.id, got, tc.want)
		}
	}
}

func TestUserNSRequestRefusals(t *testing.T) {
	for _, tc := range []struct {
		id   model.UserNSConfig
		want string
	}{
		{model.UserNSConfig{UIDMap: []string{"0:100000:65536", "1000:300000:10"}}, "overlaps"},
		{model.UserNSConfig{UIDMap: []string{"0:100000:10", "100:100005:10"}}, "host IDs overlap"},
		{model.UserNSConfig{UIDMap: []string{"0:100000"}}, "CONTAINER_ID:HOST_ID:SIZE"},
		{model.UserNSConfig{UIDMap: []string{"0:100000:0"}}, "SIZE > 0"},
		{model.UserNSConfig{GIDMap: []string{"0:4294967295:2"}}, "below 2^32"},
		{model.UserNSConfig{UserNS: "auto", UIDMap: []string{"0:1:1"}}, "cannot be given with"},
		{model.UserNSConfig{UserNS: "auto:size=x"}, "size"},
		{model.UserNSConfig{UserNS: "auto:colour=red"}, "unknown option"},
		{model.UserNSConfig{UserNS: "sideways"}, "unknown mode"},
		{model.UserNSConfig{SubUIDName: "no-such-user-podunit"}, "no subordinate IDs"},
		{model.UserNSConfig{UserNS: "container:"}, "want container:NAME"},
		{model.UserNSConfig{UserNS: "host", UIDMap: []string{"0:1:1"}}, "has no maps"},
		{model.UserNSConfig{UserNS: "container:web", UIDMap: []string{"0:1:1"}}, "want container:NAME"},
	} {
		_, err := userNSRequest(tc.id)
		if !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want an invalid argument with %q", tc.id, err, tc.want)
		}
	}
	if ns, err := userNSRequest(model.UserNSConfig{UserNS: "ns:/proc/1/ns/user"}); ns != nil || err != nil {
		t.Errorf("ns:/proc/1/ns/user: %v %v, want the engine to read its maps", ns, err)
	}
	if _, err := userNSRequest(model.UserNSConfig{UserNS: "ns:relative"}); !errdefs.IsInvalidArgument(err) {
		t.Errorf("ns:relative: %v", err)
	}
}

func TestCgroupsModeAndInit(t *testing.T) {
	for mode, ok := range map[string]bool{"": true, "enabled": true, "split": true, "no-conmon": true, "disabled": true, "off": false} {
		if err := checkCgroupsMode(mode, "/usr/bin/crun"); (err == nil) != ok {
			t.Errorf("--cgroups %q: %v", mode, err)
		}
	}
	if err := checkCgroupsMode("disabled", "runc"); !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), "crun") {
		t.Errorf("disabled with runc: %v", err)
	}
	if _, err := initBinary(model.Identity{Init: true, InitPath: "/etc"}); !errdefs.IsInvalidArgument(err) {
		t.Errorf("--init-path /etc: %v", err)
	}
	if p, err := initBinary(model.Identity{InitPath: "/etc"}); p != "" || err != nil {
		t.Errorf("no --init: %q %v", p, err)
	}
}

func idm(c, h, size int) image.IDMap { return image.IDMap{ContainerID: c, HostID: h, Size: size} }

func TestValidatePodUserNS(t *testing.T) {
	maps := model.UserNSConfig{UIDMap: []string{"0:100000:65536"}}
	for _, tc := range []struct {
		cfg  model.PodConfig
		want error
	}{
		{model.PodConfig{}, nil},
		{model.PodConfig{UserNSConfig: maps, Share: []string{"net"}}, nil},
		{model.PodConfig{UserNSConfig: maps, Share: []string{"net", "pid"}}, errdefs.ErrInvalidArgument},
		{model.PodConfig{UserNSConfig: model.UserNSConfig{UserNS: "auto"}}, nil},
		{model.PodConfig{UserNSConfig: model.UserNSConfig{UserNS: "host"}}, nil},
		{model.PodConfig{UserNSConfig: model.UserNSConfig{UserNS: "container:web"}}, errdefs.ErrInvalidArgument},
		{model.PodConfig{UserNSConfig: model.UserNSConfig{UserNS: "ns:/proc/1/ns/user"}}, errdefs.ErrInvalidArgument},
		{model.PodConfig{UserNSConfig: model.UserNSConfig{UIDMap: []string{"0:1"}}}, errdefs.ErrInvalidArgument},
	} {
		if err := validatePodUserNS(&tc.cfg); !errors.Is(err, tc.want) && (err != nil || tc.want != nil) {
			t.Errorf("%+v: %v, want %v", tc.cfg, err, tc.want)
		}
	}
	pinned := network.Pinned{Dir: "/run/p"}
	host := &model.Pod{Config: model.PodConfig{UserNSConfig: model.UserNSConfig{UserNS: "host"}}}
	own := &model.Pod{Config: model.PodConfig{UserNSConfig: maps}}
	if podUserEntry(host, pinned) != nil || len(podUserEntry(own, pinned)) != 1 || podUserEntry(own, pinned)[0].path != "/run/p/user" {
		t.Errorf("member entries: host %v, own %v", podUserEntry(host, pinned), podUserEntry(own, pinned))
	}
	if !equalUserNS(maps, model.UserNSConfig{UIDMap: []string{"0:100000:65536"}}) || equalUserNS(maps, model.UserNSConfig{}) {
		t.Error("equalUserNS")
	}
}

func TestNSUserMaps(t *testing.T) {
	cmd := exec.Command("sleep", "30")
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWUSER,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: 100000, Size: 65536}, {ContainerID: 70000, HostID: 5000, Size: 1}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: 200000, Size: 65536}}}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	ns, err := nsUserMaps("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/ns/user")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ns.UIDMap, []image.IDMap{idm(0, 100000, 65536), idm(70000, 5000, 1)}) || !slices.Equal(ns.GIDMap, []image.IDMap{idm(0, 200000, 65536)}) {
		t.Errorf("maps %+v", ns)
	}
	if _, err := nsUserMaps("/proc/self/ns/net"); !errdefs.IsInvalidArgument(err) {
		t.Errorf("a network namespace: %v", err)
	}
}
