package export

import (
	"slices"
	"strings"
	"testing"

	"github.com/podunit/podunit/engine/model"
)

func TestRunFlagsInitCtr(t *testing.T) {
	pod := &model.Pod{ID: "p1", Name: "shop"}
	c := &model.Container{Name: "shop-setup", Config: model.Config{Pod: "p1", PodRole: model.PodRole{InitCtr: model.InitCtrAlways}}}
	args := runFlags(c, pod)
	if i := slices.Index(args, "--init-ctr"); i < 0 || args[i+1] != "always" {
		t.Errorf("runFlags = %q, want --init-ctr always", args)
	}
	c.Config.InitCtr = ""
	if slices.Contains(runFlags(c, pod), "--init-ctr") {
		t.Errorf("a regular member got --init-ctr")
	}
}

func TestMountFlagSubPath(t *testing.T) {
	m := model.Mount{Type: model.MountVolume, Source: "data", Destination: "/d", SubPath: "conf", ReadOnly: true, Options: []string{"nocopy"}}
	got := mountFlag(m)
	want := []string{"--mount", "type=volume,src=data,dst=/d,subpath=conf,ro=true,volume-nocopy"}
	if !slices.Equal(got, want) {
		t.Errorf("mountFlag = %q, want %q", got, want)
	}
}

// TestPodInitOrder: a pod's init container units are oneshots that stay
// active, each after the one before, and the other members come after
// (and require) all of them; --new keeps an init container (no --rm).
func TestPodInitOrder(t *testing.T) {
	pod := &model.Pod{ID: "p1", Name: "shop", Config: model.PodConfig{Share: []string{"net"}}}
	member := func(name, init string) *model.Container {
		return &model.Container{ID: name + "id", Name: name, Image: "bb",
			Config: model.Config{Pod: "p1", Cmd: []string{"true"}, PodRole: model.PodRole{InitCtr: init}}}
	}
	members := []*model.Container{member("web", ""), member("prep", model.InitCtrAlways), member("prep2", model.InitCtrAlways)}
	units, err := Pod(pod, members, Options{New: true})
	if err != nil {
		t.Fatal(err)
	}
	text := map[string]string{}
	for _, u := range units {
		text[u.Name] = string(u.Text)
	}
	for name, want := range map[string][]string{
		"container-prep.service": {"Type=oneshot\n", "RemainAfterExit=yes\n", "Restart=no\n",
			"ExecStartPost=/usr/bin/podunit container cleanup prep\n", "ExecStopPost=/usr/bin/podunit container cleanup prep\n"},
		"container-prep2.service": {"Type=oneshot\n", "Requires=container-prep.service\nAfter=container-prep.service\n"},
		"container-web.service": {"Type=notify\n", "Requires=container-prep.service\nAfter=container-prep.service\n",
			"Requires=container-prep2.service\nAfter=container-prep2.service\n", " --rm "},
		"pod-shop.service": {"Wants=container-prep.service\n"},
	} {
		for _, w := range want {
			if !strings.Contains(text[name], w) {
				t.Errorf("%s: no %q in\n%s", name, w, text[name])
			}
		}
	}
	for _, u := range []string{"container-prep.service", "container-prep2.service"} {
		if strings.Contains(text[u], " --rm ") || strings.Contains(text[u], "Type=notify") || strings.Contains(text[u], "SuccessExitStatus=SIGKILL") {
			t.Errorf("%s: an init container's unit removes it, is Type=notify or takes a kill for success:\n%s", u, text[u])
		}
	}
	if strings.Contains(text["container-prep.service"], "Requires=container-prep2") {
		t.Errorf("prep comes after prep2:\n%s", text["container-prep.service"])
	}
	members[1].Config.InitCtr = model.InitCtrOnce
	if _, err := Pod(pod, members, Options{}); err == nil || !strings.Contains(err.Error(), `"prep"`) {
		t.Errorf("a once init container: %v, want refused naming it", err)
	}
}
