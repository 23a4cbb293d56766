package main

import (
	"testing"
)

func TestMountSubPath(t *testing.T) {
	ms, _, err := parseMounts([]string{"type=volume,src=data,dst=/d,subpath=conf/app.conf,ro"})
	if err != nil || len(ms) != 1 || ms[0].SubPath != "conf/app.conf" || !ms[0].ReadOnly {
		t.Fatalf("parseMounts = %+v, %v", ms, err)
	}
	for _, bad := range []string{"type=volume,src=data,dst=/d,subpath=/abs", "type=volume,src=data,dst=/d,subpath=../up",
		"type=volume,src=data,dst=/d,subpath=a/../../up", "type=volume,src=data,dst=/d,subpath=", "type=bind,src=/x,dst=/d,subpath=a"} {
		if _, _, err := parseMounts([]string{bad}); err == nil {
			t.Errorf("--mount %s was accepted", bad)
		}
	}
}

func TestInspectMountSubPath(t *testing.T) {
	ms, _, err := parseMounts([]string{"type=volume,src=data,dst=/d,subpath=conf"})
	if err != nil {
		t.Fatal(err)
	}
	im := newInspectMount(ms[0], func(name string) string { return "/vols/" + name + "/_data" })
	if im.SubPath != "conf" || im.Name != "data" || im.Source != "/vols/data/_data" {
		t.Errorf("inspect mount: %+v", im)
	}
}
