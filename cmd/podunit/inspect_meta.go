package main

import (
	"cmp"
	"fmt"
	"maps"
	"strings"

	"github.com/podunit/podunit/engine/model"
)

// inspectMetaConfig is the part of inspect's Config that metadata flags
// set, under Podman's names.
type inspectMetaConfig struct {
	Annotations  map[string]string   `json:"Annotations"`
	Timezone     string              `json:"Timezone"`
	ExposedPorts map[string]struct{} `json:"ExposedPorts"`
	SdNotifyMode string              `json:"SdNotifyMode"`
	HostUsers    []string            `json:"HostUsers"`
}

// Podman leaves Timezone and ExposedPorts out when empty; podunit's
// templates run on the JSON, where a missing key fails {{.Config.Timezone}},
// so they are always there.

// inspectMetaHost is the part of inspect's HostConfig that logging and
// network flags set, under Podman's names.
type inspectMetaHost struct {
	LogConfig    inspectLogConfig         `json:"LogConfig"`
	NetworkMode  string                   `json:"NetworkMode"`
	PortBindings map[string][]inspectPort `json:"PortBindings"`
	DNS          []string                 `json:"Dns"`
	DNSOptions   []string                 `json:"DnsOptions"`
	DNSSearch    []string                 `json:"DnsSearch"`
	ExtraHosts   []string                 `json:"ExtraHosts"`
	Binds        []string                 `json:"Binds"`
}

// inspectLogConfig is Podman's InspectLogConfig.
type inspectLogConfig struct {
	Type   string            `json:"Type"`
	Config map[string]string `json:"Config"`
	Path   string            `json:"Path"`
	Tag    string            `json:"Tag"`
	Size   string            `json:"Size"`
}

// inspectNetworks is NetworkSettings.Networks: each network joined, with
// what was asked for on it.
type inspectNetworks struct {
	Networks map[string]inspectEndpoint `json:"Networks,omitempty"`
}

// inspectEndpoint is one of Podman's InspectAdditionalNetwork, as asked for.
type inspectEndpoint struct {
	NetworkID  string            `json:"NetworkID"`
	Aliases    []string          `json:"Aliases"`
	MacAddress string            `json:"MacAddress"`
	IPAMConfig map[string]string `json:"IPAMConfig"`
}

func newInspectMetaConfig(c *model.Container) inspectMetaConfig {
	m := inspectMetaConfig{Annotations: maps.Clone(c.Config.Annotations), Timezone: c.Config.Timezone,
		ExposedPorts: map[string]struct{}{}, SdNotifyMode: cmp.Or(c.Config.SdNotify, "conmon"), HostUsers: nonNil(c.Config.HostUsers)}
	if m.Annotations == nil {
		m.Annotations = map[string]string{}
	}
	for _, p := range c.Config.Expose {
		m.ExposedPorts[p] = struct{}{}
	}
	for _, p := range c.Config.Ports { // Podman lists published ports as exposed too
		m.ExposedPorts[fmt.Sprintf("%d/%s", p.ContainerPort, p.Protocol)] = struct{}{}
	}
	return m
}

func newInspectMetaHost(c *model.Container) inspectMetaHost {
	cfg := &c.Config
	h := inspectMetaHost{
		LogConfig:   inspectLogConfig{Type: cfg.LogDriverName(), Tag: cfg.LogTag, Size: "0B"},
		NetworkMode: networkMode(cfg.Network), PortBindings: map[string][]inspectPort{},
		DNS: nonNil(cfg.DNS), DNSOptions: nonNil(cfg.DNSOptions), DNSSearch: nonNil(cfg.DNSSearch), ExtraHosts: nonNil(cfg.AddHost),
	}
	h.Binds = []string{}
	for _, m := range cfg.Mounts {
		h.Binds = append(h.Binds, bindString(m))
	}
	for _, p := range cfg.Ports {
		key := fmt.Sprintf("%d/%s", p.ContainerPort, p.Protocol)
		h.PortBindings[key] = append(h.PortBindings[key], inspectPort{HostIP: p.HostIP, HostPort: fmt.Sprint(p.HostPort)})
	}
	return h
}

// networkMode is HostConfig.NetworkMode as Podman shows it: bridge for a
// network's name, else the mode; a pod member has its pod's ("").
func networkMode(n string) string {
	switch {
	case n == "", n == "none", n == "host", n == "pasta", n == "slirp4netns", strings.HasPrefix(n, "container:"), strings.HasPrefix(n, "ns:"):
		return n
	}
	return "bridge"
}

func newInspectNetworks(c *model.Container) inspectNetworks {
	cfg := &c.Config
	if networkMode(cfg.Network) != "bridge" {
		return inspectNetworks{}
	}
	out := inspectNetworks{Networks: map[string]inspectEndpoint{}}
	for _, n := range append([]string{cfg.Network}, cfg.Networks...) {
		o := cfg.NetworkOpts[n]
		ep := inspectEndpoint{NetworkID: n, Aliases: nonNil(o.Aliases), MacAddress: o.MAC, IPAMConfig: map[string]string{}}
		if o.IP != "" {
			ep.IPAMConfig["IPv4Address"] = o.IP
		}
		if o.IP6 != "" {
			ep.IPAMConfig["IPv6Address"] = o.IP6
		}
		out.Networks[n] = ep
	}
	return out
}

// bindString is one of Podman's HostConfig.Binds: SRC:DST:rw|ro[,OPTIONS].
func bindString(m model.Mount) string {
	mode := "rw"
	if m.ReadOnly {
		mode = "ro"
	}
	return m.Source + ":" + m.Destination + ":" + strings.Join(append([]string{mode}, m.Options...), ",")
}
