package export

import (
	"slices"
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
