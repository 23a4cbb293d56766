package engine

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/image"
	"github.com/podunit/podunit/engine/model"
)

// userNSRequest turns --userns, --uidmap, --gidmap, --subuidname and
// --subgidname into what the rootfs is made for: nil for the host's IDs.
// Errors name the flag and the value.
func userNSRequest(id model.UserNSConfig) (*image.UserNS, error) {
	mode, opts, _ := strings.Cut(id.UserNS, ":")
	explicit := len(id.UIDMap) > 0 || len(id.GIDMap) > 0 || id.SubUIDName != "" || id.SubGIDName != ""
	switch mode {
	case "", "host", "private":
		switch {
		case mode == "host" && explicit:
			return nil, usernsErr(id.UserNS, "the host's user namespace has no maps: leave out --uidmap, --gidmap, --subuidname and --subgidname")
		case explicit:
			return explicitMaps(id)
		case mode == "private":
			return &image.UserNS{Auto: true}, nil
		}
		return nil, nil
	case "auto":
		if explicit {
			return nil, usernsErr(id.UserNS, "cannot be given with --uidmap, --gidmap, --subuidname or --subgidname")
		}
		return autoUserNS(id.UserNS, opts)
	case "keep-id", "nomap":
		if os.Geteuid() == 0 {
			return nil, usernsErr(id.UserNS, "is for rootless users only, as in Podman: use auto, or --uidmap")
		}
		return nil, fmt.Errorf("--userns=%s: rootless user namespaces are not supported yet: %w", id.UserNS, errdefs.ErrNotImplemented)
	case "container":
		if explicit || opts == "" {
			return nil, usernsErr(id.UserNS, "want container:NAME, without maps (the container's are used)")
		}
		return nil, nil // the engine takes the other container's maps (joinUserNS)
	case "ns":
		if explicit || !filepath.IsAbs(opts) {
			return nil, usernsErr(id.UserNS, "want ns:/absolute/path, without maps (the namespace's are used)")
		}
		return nil, nil // the engine reads the namespace's maps (joinedUserNS)
	}
	return nil, usernsErr(id.UserNS, "unknown mode (want host, private, auto[:OPTIONS], keep-id, nomap)")
}

func usernsErr(v, msg string) error {
	return fmt.Errorf("--userns %q: %s: %w", v, msg, errdefs.ErrInvalidArgument)
}

// explicitMaps are --subuidname/--subgidname's ranges followed by
// --uidmap/--gidmap's; one kind alone serves for both, as in Podman.
func explicitMaps(id model.UserNSConfig) (*image.UserNS, error) {
	uids, err := parseIDMaps("--uidmap", id.UIDMap)
	if err != nil {
		return nil, err
	}
	gids, err := parseIDMaps("--gidmap", id.GIDMap)
	if err != nil {
		return nil, err
	}
	if len(gids) == 0 {
		gids = uids
	}
	if len(uids) == 0 {
		uids = gids
	}
	if subU, subG := orElse(id.SubUIDName, id.SubGIDName), orElse(id.SubGIDName, id.SubUIDName); subU != "" {
		su, sg, err := image.SubIDMaps(subU, subG)
		if err != nil {
			return nil, err
		}
		uids, gids = append(su, uids...), append(sg, gids...)
	}
	if err := checkOverlap("--uidmap", uids); err != nil {
		return nil, err
	}
	if err := checkOverlap("--gidmap", gids); err != nil {
		return nil, err
	}
	return &image.UserNS{UIDMap: uids, GIDMap: gids}, nil
}

// orElse is a, or b when a is empty.
func orElse(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// autoUserNS reads auto's options: size=N, uidmapping=C:H:S,
// gidmapping=C:H:S.
func autoUserNS(v, opts string) (*image.UserNS, error) {
	ns := &image.UserNS{Auto: true}
	if opts == "" {
		return ns, nil
	}
	for _, o := range strings.Split(opts, ",") {
		k, val, _ := strings.Cut(o, "=")
		switch k {
		case "size":
			n, err := strconv.ParseUint(val, 10, 32)
			if err != nil || n == 0 {
				return nil, usernsErr(v, "size wants a positive number")
			}
			ns.AutoSize = uint32(n)
		case "uidmapping", "gidmapping":
			m, err := parseIDMap("--userns "+k, val)
			if err != nil {
				return nil, err
			}
			if k == "uidmapping" {
				ns.AutoUIDMap = append(ns.AutoUIDMap, m)
			} else {
				ns.AutoGIDMap = append(ns.AutoGIDMap, m)
			}
		default:
			return nil, usernsErr(v, fmt.Sprintf("unknown option %q (want size=, uidmapping=, gidmapping=)", k))
		}
	}
	return ns, nil
}

func parseIDMaps(flag string, list []string) ([]image.IDMap, error) {
	var out []image.IDMap
	for _, v := range list {
		m, err := parseIDMap(flag, v)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// parseIDMap reads CONTAINER:HOST:SIZE.
func parseIDMap(flag, v string) (image.IDMap, error) {
	parts := strings.Split(v, ":")
	var n [3]int
	for i := 0; len(parts) == 3 && i < 3; i++ {
		u, err := strconv.ParseUint(parts[i], 10, 32)
		if err != nil {
			break
		}
		n[i] = int(u)
		if i == 2 && u > 0 && uint64(n[0])+u <= math.MaxUint32+1 && uint64(n[1])+u <= math.MaxUint32+1 {
			return image.IDMap{ContainerID: n[0], HostID: n[1], Size: n[2]}, nil
		}
	}
	return image.IDMap{}, fmt.Errorf("%s %q: want CONTAINER_ID:HOST_ID:SIZE, numbers with SIZE > 0 and both ranges below 2^32: %w",
		flag, v, errdefs.ErrInvalidArgument)
}

// checkOverlap refuses maps whose container or host ranges overlap: the
// kernel would refuse the namespace at every start.
func checkOverlap(flag string, maps []image.IDMap) error {
	for i, a := range maps {
		for _, b := range maps[:i] {
			side := ""
			switch {
			case a.ContainerID < b.ContainerID+b.Size && b.ContainerID < a.ContainerID+a.Size:
				side = "container"
			case a.HostID < b.HostID+b.Size && b.HostID < a.HostID+a.Size:
				side = "host"
			default:
				continue
			}
			return fmt.Errorf("%s %s overlaps %s: their %s IDs overlap: %w",
				flag, formatIDMap(a), formatIDMap(b), side, errdefs.ErrInvalidArgument)
		}
	}
	return nil
}

func formatIDMap(m image.IDMap) string {
	return fmt.Sprintf("%d:%d:%d", m.ContainerID, m.HostID, m.Size)
}
