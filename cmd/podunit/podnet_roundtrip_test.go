package main

import (
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/generator/export"
	"github.com/podunit/podunit/generator/unitfile"
)

// TestPodNetworkFlagsRoundTrip writes a pod with networks, addresses,
// aliases, ports and DNS settings with generate systemd --new, and reads
// its pod create line back with the CLI's own network flags: every
// setting comes back as it was.
func TestPodNetworkFlagsRoundTrip(t *testing.T) {
	want := model.PodConfig{Share: []string{"ipc", "net", "uts"}, Network: "front",
		Ports: []model.PortMapping{{HostIP: "127.0.0.1", HostPort: 8080, ContainerPort: 80, Protocol: "tcp"},
			{HostIP: "::1", HostPort: 5353, ContainerPort: 53, Protocol: "udp"}, {HostPort: 9000, ContainerPort: 9000, Protocol: "tcp"}},
		NetConfig: model.NetConfig{Networks: []string{"back", "side"}, NetworkOpts: map[string]model.NetworkOpts{
			"front": {IP: "10.89.1.5", IP6: "fd00::5", MAC: "02:00:00:00:00:05", Aliases: []string{"gw", "gw2"}},
			"back":  {IP: "10.89.2.5", Aliases: []string{"a"}}},
			DNS: []string{"10.0.0.53", "fd00::53"}, DNSSearch: []string{"example.test"}, DNSOptions: []string{"ndots:2"},
			AddHost: []string{"db;db2:10.0.0.7"}}}
	units, err := export.Pod(&model.Pod{ID: "p1", Name: "shop", Config: want}, nil, export.Options{New: true, Binary: "/usr/bin/podunit"})
	if err != nil {
		t.Fatal(err)
	}
	f, err := unitfile.Parse("pod-shop.service", units[0].Text)
	if err != nil {
		t.Fatal(err)
	}
	line, _ := f.Section("Service").Lookup("ExecStart")
	argv, _, err := unitfile.SplitWordsRelaxed(line.Value)
	if err != nil {
		t.Fatal(err)
	}
	var nf netFlags
	var publish []string
	fs := pflag.NewFlagSet("pod create", pflag.ContinueOnError)
	fs.ParseErrorsWhitelist.UnknownFlags = true
	nf.register(fs, "pod")
	fs.StringArrayVarP(&publish, "publish", "p", nil, "")
	if err := fs.Parse(argv[3:]); err != nil {
		t.Fatal(err)
	}
	var got model.PodConfig
	var first model.NetworkOpts
	if err := nf.apply(&got.Network, &first, &got.NetConfig); err != nil {
		t.Fatal(err)
	}
	if got.NetworkOpts == nil {
		got.NetworkOpts = map[string]model.NetworkOpts{}
	}
	got.NetworkOpts["front"] = first
	if got.Ports, err = engine.ParsePublish(publish); err != nil {
		t.Fatal(err)
	}
	got.Share = want.Share
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read back from %s:\n got %+v\nwant %+v", strings.Join(argv, " "), got, want)
	}
}
