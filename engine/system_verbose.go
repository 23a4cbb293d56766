package engine

import (
	"context"
	"errors"

	"github.com/podunit/podunit/engine/image"
	"github.com/podunit/podunit/engine/model"
)

// DiskUsageDetail is `system df -v`: each image, container and volume
// with what it takes.
type DiskUsageDetail struct {
	Images     []ImageUsage
	Containers []ContainerUsage
	Volumes    []VolumeUsage
}

// ImageUsage is an image and the size of its layers that other images
// share (the rest of Size is its own).
type ImageUsage struct {
	image.Summary
	SharedSize int64
}

// ContainerUsage is a container, the size of its writable layer and how
// many named volumes it mounts.
type ContainerUsage struct {
	*model.Container
	Size         int64
	LocalVolumes int
}

// VolumeUsage is a volume, how many containers use it and its size.
type VolumeUsage struct {
	Name  string
	Links int
	Size  int64
}

// DiskUsageDetail lists what each image, container and volume takes.
func (e *Engine) DiskUsageDetail(ctx context.Context) (*DiskUsageDetail, error) {
	imgs, err := e.images.List(ctx)
	if err != nil {
		return nil, err
	}
	shared, err := e.images.SharedSizes()
	if err != nil {
		return nil, err
	}
	ctrs, err := e.Containers(ctx)
	if err != nil {
		return nil, err
	}
	d := &DiskUsageDetail{}
	for _, i := range imgs {
		d.Images = append(d.Images, ImageUsage{Summary: i, SharedSize: shared[i.ID]})
	}
	for _, c := range ctrs {
		size, _ := e.images.RootfsSize(c.ID)
		d.Containers = append(d.Containers, ContainerUsage{Container: c, Size: size, LocalVolumes: namedVolumes(c)})
	}
	d.Volumes, err = e.volumesUsage(ctx)
	return d, err
}

// namedVolumes counts the named volumes c mounts.
func namedVolumes(c *model.Container) int {
	n := 0
	for _, m := range c.Config.Mounts {
		if m.Type == model.MountVolume {
			n++
		}
	}
	return n
}

// volumesUsage is each volume's size and number of users.
func (e *Engine) volumesUsage(ctx context.Context) ([]VolumeUsage, error) {
	vols, err := e.Volumes(ctx)
	if err != nil {
		return nil, err
	}
	var out []VolumeUsage
	var errs []error
	for _, v := range vols {
		users, err := e.VolumeUsers(ctx, v.Name)
		errs = append(errs, err)
		out = append(out, VolumeUsage{Name: v.Name, Links: len(users), Size: dirSize(v.Mountpoint)})
	}
	return out, errors.Join(errs...)
}
