package network

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/podunit/podunit/engine/errdefs"
)

// DefaultName is the bridge network containers join when nothing else is
// asked for, created on first use.
const DefaultName = "podunit"

// Defaults are the containers.conf settings podunit follows: the network
// ones, and [engine] env for podunit's own process. One reader for all, so
// a file is parsed once and judged the same way everywhere.
type Defaults struct {
	NetNS          string // [containers] netns: bridge, private, host, none…; "" means bridge
	DefaultNetwork string // [network] default_network; "" means DefaultName
	// SubnetPools are [network] default_subnet_pools: where a network
	// created without a subnet gets one; nil means 10.89.0.0/16 in /24s.
	SubnetPools []SubnetPool
	// Env is [engine] env: NAME=VALUE settings for podunit's own process
	// (a proxy, a registries.conf), never for the containers. As in Podman
	// a later file's list replaces an earlier one's.
	Env []string
	// PastaOptions are [network] pasta_options: pasta's options for every
	// container on pasta, before the container's own (pasta:…).
	PastaOptions []string
}

// SubnetPool is one of containers.conf's default_subnet_pools: subnets of
// Size bits taken in turn from Base.
type SubnetPool struct {
	Base string `toml:"base"`
	Size int    `toml:"size"`
}

type containersConf struct {
	Containers struct {
		NetNS string `toml:"netns"`
	} `toml:"containers"`
	Network struct {
		DefaultNetwork string       `toml:"default_network"`
		SubnetPools    []SubnetPool `toml:"default_subnet_pools"`
		PastaOptions   *[]string    `toml:"pasta_options"`
	} `toml:"network"`
	Engine struct {
		Env *[]string `toml:"env"`
	} `toml:"engine"`
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

// ReadDefaults reads the given containers.conf files, later ones
// overriding; missing files are skipped, and a malformed file or setting is
// an invalid argument naming the file.
func ReadDefaults(files []string) (Defaults, error) {
	var d Defaults
	for _, f := range files {
		data, err := os.ReadFile(f)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return d, fmt.Errorf("containers.conf %s: %w", f, err)
		}
		var c containersConf
		if err := toml.Unmarshal(blankComments(data), &c); err != nil {
			return d, fmt.Errorf("containers.conf %s: %w: %w", f, errdefs.ErrInvalidArgument, err)
		}
		if err := d.take(c); err != nil {
			return d, fmt.Errorf("containers.conf %s: %w: %w", f, err, errdefs.ErrInvalidArgument)
		}
	}
	if d.DefaultNetwork == "" || d.DefaultNetwork == "podman" {
		d.DefaultNetwork = DefaultName // podman's own default network is not ours
	}
	return d, nil
}

// blankComments empties every line of TOML data that holds only a comment,
// keeping the line breaks, so that errors name the same lines. The vendor
// containers.conf is 24 KB of comments around 1 KB of settings, and the TOML
// lexer takes 0.3 ms to read past them, against 0.02 ms for the rest: every
// podunit command reads the file. Data with a multi-line string, where a
// line that begins with # may be the string's, is left as it is, and so is
// data with a NUL byte (the TOML reader's UTF-16 check looks at its start).
func blankComments(data []byte) []byte {
	if bytes.Contains(data, []byte(`"""`)) || bytes.Contains(data, []byte("'''")) || bytes.IndexByte(data, 0) >= 0 {
		return data
	}
	out := make([]byte, 0, len(data)/8)
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line = data[:i+1]
		}
		data = data[len(line):]
		if t := bytes.TrimLeft(line, " \t"); len(t) > 0 && t[0] == '#' {
			if line[len(line)-1] == '\n' {
				out = append(out, '\n')
			}
			continue
		}
		out = append(out, line...)
	}
	return out
}

// take lays one file's settings over d.
func (d *Defaults) take(c containersConf) error {
	if c.Containers.NetNS != "" {
		d.NetNS = c.Containers.NetNS
	}
	if c.Network.DefaultNetwork != "" {
		d.DefaultNetwork = c.Network.DefaultNetwork
	}
	if c.Network.SubnetPools != nil {
		for _, p := range c.Network.SubnetPools {
			if _, err := p.cidr(0); err != nil {
				return fmt.Errorf("[network] default_subnet_pools: %w", err)
			}
		}
		d.SubnetPools = c.Network.SubnetPools
	}
	if err := d.takePasta(c.Network.PastaOptions); err != nil {
		return err
	}
	if c.Engine.Env != nil {
		for _, kv := range *c.Engine.Env {
			if name, _, ok := strings.Cut(kv, "="); !ok || name == "" {
				return fmt.Errorf("[engine] env: %q is not NAME=VALUE", kv)
			}
		}
		d.Env = *c.Engine.Env
	}
	return nil
}

// cidr is the pool's i-th subnet, or an error when the pool is not an IPv4
// base with a size at least as long as its prefix, or has no i-th subnet.
func (p SubnetPool) cidr(i int) (*net.IPNet, error) {
	_, base, err := net.ParseCIDR(p.Base)
	if err != nil || base.IP.To4() == nil {
		return nil, fmt.Errorf("base %q is not an IPv4 subnet", p.Base)
	}
	ones, _ := base.Mask.Size()
	if p.Size < ones || p.Size > 30 {
		return nil, fmt.Errorf("size %d of base %s: want %d to 30", p.Size, p.Base, ones)
	}
	if p.Size-ones < 31 && i >= 1<<(p.Size-ones) {
		return nil, errPoolEnd
	}
	ip := binary.BigEndian.Uint32(base.IP.To4()) + uint32(i)<<(32-p.Size)
	out := make(net.IP, 4)
	binary.BigEndian.PutUint32(out, ip)
	return &net.IPNet{IP: out, Mask: net.CIDRMask(p.Size, 32)}, nil
}

// errPoolEnd: a pool has no more subnets.
var errPoolEnd = errors.New("end of the pool")
