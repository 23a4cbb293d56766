package main

import (
	"reflect"
	"testing"

	"github.com/podunit/podunit/engine/model"
)

func TestNetFlagsApply(t *testing.T) {
	f := netFlags{networks: []string{"front:ip=10.89.1.5,alias=web", "back:alias=api,alias=v1,ip6=fd00::5,mac=02:00:00:00:00:01", "container:x"},
		aliases: []string{"www"}, dns: []string{"192.0.2.1"}}
	var name string
	var first model.NetworkOpts
	var nc model.NetConfig
	if err := f.apply(&name, &first, &nc); err != nil {
		t.Fatal(err)
	}
	want := model.NetworkOpts{Aliases: []string{"www", "web"}, IP: "10.89.1.5"}
	if name != "front" || !reflect.DeepEqual(first, want) {
		t.Errorf("first: %q %+v, want front %+v", name, first, want)
	}
	if !reflect.DeepEqual(nc.Networks, []string{"back", "container:x"}) || !reflect.DeepEqual(nc.DNS, []string{"192.0.2.1"}) {
		t.Errorf("networks %v, dns %v", nc.Networks, nc.DNS)
	}
	if got := nc.NetworkOpts["back"]; !reflect.DeepEqual(got, model.NetworkOpts{Aliases: []string{"api", "v1"}, IP6: "fd00::5", MAC: "02:00:00:00:00:01"}) {
		t.Errorf("back: %+v", got)
	}
	bad := netFlags{networks: []string{"front:nosuch=1"}}
	if err := bad.apply(&name, &first, &nc); err == nil {
		t.Error("an unknown --network option was taken")
	}
}
