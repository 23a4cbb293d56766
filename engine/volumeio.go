package engine

import (
	"context"
	"io"

	"github.com/podunit/podunit/engine/image"
)

// VolumeExport writes a volume's content to w as an uncompressed tar
// (podman volume export). A missing volume is errdefs.ErrNotFound.
func (e *Engine) VolumeExport(ctx context.Context, name string, w io.Writer) error {
	return e.withVolumeDir(ctx, name, func(dir string) error { return image.TarDir(dir, w) })
}

// VolumeImport unpacks the tar r into a volume (podman volume import): its
// files join what the volume holds, and its first use copies nothing from
// the image over them.
func (e *Engine) VolumeImport(ctx context.Context, name string, r io.Reader) error {
	err := e.withVolumeDir(ctx, name, func(dir string) error { return image.UntarDir(r, dir) })
	if err != nil {
		return err
	}
	return e.copiedUp(ctx, name)
}

// withVolumeDir runs fn on the ready directory of the existing volume
// name, under the volume's lock.
func (e *Engine) withVolumeDir(ctx context.Context, name string, fn func(dir string) error) error {
	if _, err := e.store.Volume(ctx, name); err != nil {
		return err
	}
	dir, err := e.readyVolume(ctx, name)
	if err != nil {
		return err
	}
	unlock, err := e.lockVolume(ctx, name)
	if err != nil {
		return err
	}
	defer unlock()
	return fn(dir)
}
