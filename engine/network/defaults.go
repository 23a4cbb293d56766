package network

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/BurntSushi/toml"
)

// DefaultName is the bridge network containers join when nothing else is
// asked for, created on first use.
const DefaultName = "podunit"

// Defaults are containers.conf's network settings podunit follows.
type Defaults struct {
	NetNS          string // [containers] netns: bridge, private, host, none…; "" means bridge
	DefaultNetwork string // [network] default_network; "" means DefaultName
}

type containersConf struct {
	Containers struct {
		NetNS string `toml:"netns"`
	} `toml:"containers"`
	Network struct {
		DefaultNetwork string `toml:"default_network"`
	} `toml:"network"`
}

// ConfFiles are the containers.conf files read, in order, later ones
// overriding: $CONTAINERS_CONF alone when set, else the vendor file, the
// admin's file and its drop-ins.
func ConfFiles() []string {
	if f := os.Getenv("CONTAINERS_CONF"); f != "" {
		return []string{f}
	}
	files := []string{"/usr/share/containers/containers.conf", "/etc/containers/containers.conf"}
	dropins, _ := filepath.Glob("/etc/containers/containers.conf.d/*.conf")
	sort.Strings(dropins)
	return append(files, dropins...)
}

// ReadDefaults reads the network settings of the given containers.conf
// files; missing files are skipped.
func ReadDefaults(files []string) (Defaults, error) {
	var d Defaults
	for _, f := range files {
		data, err := os.ReadFile(f)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return d, err
		}
		var c containersConf
		if err := toml.Unmarshal(data, &c); err != nil {
			return d, fmt.Errorf("%s: %w", f, err)
		}
		if c.Containers.NetNS != "" {
			d.NetNS = c.Containers.NetNS
		}
		if c.Network.DefaultNetwork != "" {
			d.DefaultNetwork = c.Network.DefaultNetwork
		}
	}
	if d.DefaultNetwork == "" || d.DefaultNetwork == "podman" {
		d.DefaultNetwork = DefaultName // podman's own default network is not ours
	}
	return d, nil
}
