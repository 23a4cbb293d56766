package engine

import (
	"context"
	"io/fs"
	"path/filepath"

	"github.com/podunit/podunit/engine/model"
)

// DiskUsage is one line of `system df`.
type DiskUsage struct {
	Type        string // "Images", "Containers", "Local Volumes"
	Total       int
	Active      int
	Size        int64
	Reclaimable int64
}

// DiskUsage adds up what images, containers and volumes take: an image or
// volume is active while a container uses it, a container while it runs.
func (e *Engine) DiskUsage(ctx context.Context) ([]DiskUsage, error) {
	ctrs, err := e.Containers(ctx)
	if err != nil {
		return nil, err
	}
	imgs, err := e.images.List(ctx)
	if err != nil {
		return nil, err
	}
	usedImg := map[string]bool{}
	ct := DiskUsage{Type: "Containers", Total: len(ctrs)}
	for _, c := range ctrs {
		usedImg[c.ImageID] = true
		size, _ := e.images.RootfsSize(c.ID)
		ct.Size += size
		if c.State.Status == model.Running {
			ct.Active++
		} else {
			ct.Reclaimable += size
		}
	}
	im := DiskUsage{Type: "Images", Total: len(imgs)}
	for _, i := range imgs {
		im.Size += i.Size
		if usedImg[i.ID] {
			im.Active++
		} else {
			im.Reclaimable += i.Size
		}
	}
	vol, err := e.volumeUsage(ctx)
	return []DiskUsage{im, ct, vol}, err
}

// volumeUsage is the Local Volumes line of system df.
func (e *Engine) volumeUsage(ctx context.Context) (DiskUsage, error) {
	vols, err := e.volumesUsage(ctx)
	du := DiskUsage{Type: "Local Volumes", Total: len(vols)}
	for _, v := range vols {
		du.Size += v.Size
		if v.Links > 0 {
			du.Active++
		} else {
			du.Reclaimable += v.Size
		}
	}
	return du, err
}

// dirSize adds up the sizes of the regular files under dir.
func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}
