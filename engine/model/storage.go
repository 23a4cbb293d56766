package model

// Storage is what a container is given beyond its image's file system and
// its mounts: host devices, device cgroup rules, the writable tmpfs mounts
// of a read-only container, and a host directory to run from instead of an
// image. Immutable after create; every field is optional.
type Storage struct {
	Devices []Device `json:"devices,omitempty"` // --device
	// DeviceCgroupRules are --device-cgroup-rule values, "TYPE MAJOR:MINOR
	// ACCESS" (c 1:3 rwm, a *:* r).
	DeviceCgroupRules []string `json:"deviceCgroupRules,omitempty"`
	// NoReadOnlyTmpfs is --read-only-tmpfs=false: a read-only container
	// gets no writable tmpfs on /run, /tmp and /var/tmp, and its /dev and
	// /dev/shm are read-only too. Without --read-only it changes nothing.
	NoReadOnlyTmpfs bool `json:"noReadOnlyTmpfs,omitempty"`
	// Rootfs is --rootfs: a host directory the container runs from instead
	// of an image's file system; Container.Image and ImageID are empty then.
	Rootfs string `json:"rootfs,omitempty"`
}

// Graph is a rootfs as containers/storage made it: the driver, the
// driver's directories of the container's layer (LowerDir, UpperDir,
// WorkDir, MergedDir: inspect's GraphDriver.Data) and the digest of the
// image it was made from ("" when that image had none). The state keeps it
// beside the container's record, not in it, so listings decode no paths.
type Graph struct {
	Driver      string            `json:"driver"`
	Dirs        map[string]string `json:"dirs,omitempty"`
	ImageDigest string            `json:"imageDigest,omitempty"`
}

// Device is one --device HOST[:CTR[:PERMS]]: a host device node, or a
// directory whose device nodes are all given, at PathInContainer.
type Device struct {
	PathOnHost        string `json:"pathOnHost"`
	PathInContainer   string `json:"pathInContainer"`
	CgroupPermissions string `json:"cgroupPermissions"` // some of r, w, m, in that order
}

// The mount types of Mount.Type beyond bind and volume. An image mount's
// Source is the image's ID; devpts and ramfs mounts have no Source.
const (
	MountImage  = "image"  // an image's file system, read-only
	MountDevpts = "devpts" // a new pseudo-terminal instance
	MountRamfs  = "ramfs"  // an unbounded RAM file system
	MountGlob   = "glob"   // before create only: one bind per match of Source
)
