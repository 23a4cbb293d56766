package main

import "github.com/podunit/podunit/engine/model"

// inspectStorage is the part of Podman's HostConfig for devices.
type inspectStorage struct {
	Devices           []inspectDevice `json:"Devices"`
	DeviceCgroupRules []string        `json:"DeviceCgroupRules"`
}

// inspectDevice is Podman's InspectDevice.
type inspectDevice struct {
	PathOnHost        string `json:"PathOnHost"`
	PathInContainer   string `json:"PathInContainer"`
	CgroupPermissions string `json:"CgroupPermissions"`
}

func newInspectStorage(s *model.Storage) inspectStorage {
	out := inspectStorage{Devices: []inspectDevice{}, DeviceCgroupRules: nonNil(s.DeviceCgroupRules)}
	for _, d := range s.Devices {
		out.Devices = append(out.Devices, inspectDevice(d))
	}
	return out
}

// inspectOtherMount describes a mount that is neither a bind nor a
// volume: an image's file system (Source is the image's ID), devpts or
// ramfs.
func inspectOtherMount(m model.Mount, im inspectMount) inspectMount {
	switch m.Type {
	case model.MountImage, model.MountDevpts, model.MountRamfs:
		im.Type, im.Propagation = m.Type, ""
	}
	return im
}
