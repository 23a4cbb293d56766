package engine

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/spec"
)

// ParseDevice reads --device HOST[:CTR][:PERMS]: HOST an absolute path,
// CTR the path in the container (HOST's when left out), PERMS some of r, w
// and m (rwm when left out).
func ParseDevice(s string) (model.Device, error) {
	parts := strings.Split(s, ":")
	d := model.Device{PathOnHost: parts[0], PathInContainer: parts[0], CgroupPermissions: "rwm"}
	bad := func(why string) (model.Device, error) {
		return model.Device{}, fmt.Errorf("--device %q: %s: %w", s, why, errdefs.ErrInvalidArgument)
	}
	switch {
	case len(parts) > 3:
		return bad("want HOST[:CONTAINER][:PERMISSIONS]")
	case len(parts) == 3:
		d.PathInContainer, d.CgroupPermissions = parts[1], parts[2]
	case len(parts) == 2 && spec.ValidAccess(parts[1]):
		d.CgroupPermissions = parts[1]
	case len(parts) == 2:
		d.PathInContainer = parts[1]
	}
	if !filepath.IsAbs(d.PathOnHost) {
		return bad("the host path must be absolute")
	}
	if !filepath.IsAbs(d.PathInContainer) {
		return bad("the container path must be absolute")
	}
	if !spec.ValidAccess(d.CgroupPermissions) {
		return bad("the permissions must be some of r, w and m")
	}
	d.PathOnHost, d.PathInContainer = filepath.Clean(d.PathOnHost), filepath.Clean(d.PathInContainer)
	return d, nil
}

// validateDevices checks at create that every device exists on the host
// and every device cgroup rule reads.
func validateDevices(s *model.Storage) error {
	for _, d := range s.Devices {
		if _, err := deviceSpecs(d); err != nil {
			return err
		}
	}
	for _, r := range s.DeviceCgroupRules {
		if _, err := spec.ParseDeviceRule(r); err != nil {
			return err
		}
	}
	return nil
}

// deviceSpecs is the container's view of one --device, read from the host.
func deviceSpecs(d model.Device) ([]spec.Device, error) {
	list, err := spec.HostDevices(d.PathOnHost, d.PathInContainer, d.CgroupPermissions)
	if err != nil {
		return nil, fmt.Errorf("--device %s: %w", d.PathOnHost, err)
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("--device %s: the directory holds no device node: %w", d.PathOnHost, errdefs.ErrInvalidArgument)
	}
	return list, nil
}

// deviceInput fills in the spec's devices and device rules from the host,
// at each start: a device's numbers can change across reboots. A
// privileged container gets the host's devices too (spec.PrivilegedDevices)
// where no --device of its own has the path.
func deviceInput(privileged bool, s *model.Storage, in *spec.Input) error {
	in.NoReadOnlyTmpfs = s.NoReadOnlyTmpfs
	for _, d := range s.Devices {
		list, err := deviceSpecs(d)
		if err != nil {
			return err
		}
		in.Devices = append(in.Devices, list...)
	}
	for _, r := range s.DeviceCgroupRules {
		rule, err := spec.ParseDeviceRule(r)
		if err != nil {
			return err
		}
		in.DeviceRules = append(in.DeviceRules, rule)
	}
	if privileged {
		in.Devices = withPrivilegedDevices(in.Devices)
	}
	return nil
}

// withPrivilegedDevices adds the host's devices to list, but for paths
// list has already.
func withPrivilegedDevices(list []spec.Device) []spec.Device {
	host, _ := spec.PrivilegedDevices("/dev")
	have := map[string]bool{}
	for _, d := range list {
		have[d.Path] = true
	}
	for _, d := range host {
		if !have[d.Path] {
			list = append(list, d)
		}
	}
	return list
}
