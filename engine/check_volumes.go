package engine

import (
	"context"
	"os"
	"time"

	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/names"
	"github.com/podunit/podunit/engine/volume"
)

// orphanVolumes finds volume directories without a record and rebuilds
// each record as a plain local volume over the data it holds (its
// options, such as a tmpfs or bind device, were only in the record).
func (k *checker) orphanVolumes(ctx context.Context) error {
	kn, err := k.known(ctx)
	if err != nil {
		return err
	}
	dir := k.e.volumeDir()
	entries, _ := os.ReadDir(string(dir))
	for _, ent := range entries {
		name := ent.Name()
		if !ent.IsDir() || kn.volumes[name] || names.Validate("volume", name) != nil {
			continue
		}
		if _, marked := dir.Removal(name); marked {
			k.found("volume", name, "directory of a removed volume, whose removal was interrupted", false, FixedRemoved, func() error {
				return k.e.finishVolumeRemoval(ctx, name)
			})
			continue
		}
		k.found("volume", name, "volume directory without a record", false, FixedRecord, func() error {
			return k.rebuildVolume(ctx, dir, name)
		})
	}
	return nil
}

// rebuildVolume records the volume directory name as a local volume.
func (k *checker) rebuildVolume(ctx context.Context, dir volume.Dir, name string) error {
	created := time.Now().UTC()
	if st, err := os.Stat(string(dir) + "/" + name); err == nil {
		created = st.ModTime().UTC()
	}
	return k.e.store.AddVolume(ctx, &model.Volume{Name: name, Driver: "local", Created: created,
		Mountpoint: dir.Mountpoint(name, volume.Options{})})
}
