package spec

import (
	"fmt"
	"slices"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podunit/podunit/engine/errdefs"
)

// allCaps is the "ALL" of --cap-add and --cap-drop.
const allCaps = "ALL"

// defaultCapabilities are podman's default_capabilities (containers.conf).
var defaultCapabilities = []string{
	"CAP_CHOWN",
	"CAP_DAC_OVERRIDE",
	"CAP_FOWNER",
	"CAP_FSETID",
	"CAP_KILL",
	"CAP_NET_BIND_SERVICE",
	"CAP_SETFCAP",
	"CAP_SETGID",
	"CAP_SETPCAP",
	"CAP_SETUID",
	"CAP_SYS_CHROOT",
}

// DefaultCapabilities returns podman's eleven default capabilities, sorted,
// with the "CAP_" prefix.
func DefaultCapabilities() []string {
	return slices.Clone(defaultCapabilities)
}

// capabilitySets returns the process's capabilities. The bounding set is the
// defaults (all known ones when privileged) plus CapAdd minus CapDrop. As in
// podman, root gets it as effective and permitted set too, any other user
// gets empty ones; inheritable and ambient sets are always empty.
func capabilitySets(in Input, known []string, uid uint32) (*specs.LinuxCapabilities, error) {
	set, err := mergeCapabilities(in, known)
	if err != nil {
		return nil, err
	}
	c := &specs.LinuxCapabilities{
		Bounding:    set,
		Effective:   []string{},
		Permitted:   []string{},
		Inheritable: []string{},
		Ambient:     []string{},
	}
	if uid == 0 {
		c.Effective = slices.Clone(set)
		c.Permitted = slices.Clone(set)
	}
	return c, nil
}

func mergeCapabilities(in Input, known []string) ([]string, error) {
	add, addAll, err := normalizeCapabilities(in.CapAdd, known)
	if err != nil {
		return nil, fmt.Errorf("cap-add: %w", err)
	}
	drop, dropAll, err := normalizeCapabilities(in.CapDrop, known)
	if err != nil {
		return nil, fmt.Errorf("cap-drop: %w", err)
	}
	if addAll && dropAll {
		return nil, fmt.Errorf("cannot add and drop all capabilities: %w", errdefs.ErrInvalidArgument)
	}
	for _, c := range add {
		if slices.Contains(drop, c) {
			return nil, fmt.Errorf("capability %s both added and dropped: %w", c, errdefs.ErrInvalidArgument)
		}
	}
	var base []string
	switch {
	case dropAll:
		base = nil
	case addAll || in.Privileged:
		base = known
	default:
		base = defaultCapabilities
	}
	set := make([]string, 0, len(base)+len(add))
	for _, c := range slices.Concat(base, add) {
		if !slices.Contains(drop, c) && !slices.Contains(set, c) {
			set = append(set, c)
		}
	}
	slices.Sort(set)
	return set, nil
}

// normalizeCapabilities upper-cases names, adds the "CAP_" prefix and checks
// them against the capabilities the kernel knows. It reports "ALL" apart.
func normalizeCapabilities(names, known []string) ([]string, bool, error) {
	var out []string
	all := false
	for _, n := range names {
		c := strings.ToUpper(strings.TrimSpace(n))
		if c == allCaps {
			all = true
			continue
		}
		if !strings.HasPrefix(c, "CAP_") {
			c = "CAP_" + c
		}
		if !slices.Contains(known, c) {
			return nil, false, fmt.Errorf("unknown capability %q: %w", n, errdefs.ErrInvalidArgument)
		}
		out = append(out, c)
	}
	return out, all, nil
}

// BoundingCapabilities is the bounding set Generate gives a process with
// these flags on this host (inspect's BoundingCaps).
func BoundingCapabilities(capAdd, capDrop []string, privileged bool) ([]string, error) {
	h, err := probeHost()
	if err != nil {
		return nil, err
	}
	return mergeCapabilities(Input{CapAdd: capAdd, CapDrop: capDrop, Privileged: privileged}, h.caps)
}
