package engine

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/podunit/podunit/internal/atomicfile"
)

// VolumeWriteFiles writes files (name → content, names relative to the
// volume's top) into volume name with mode, each temp + fsync + rename, and
// removes the files it holds that are not among them: the volume of a
// ConfigMap or Secret that `kube play` mounts holds its keys, no others.
func (e *Engine) VolumeWriteFiles(ctx context.Context, name string, files map[string][]byte, mode os.FileMode) error {
	return e.withVolumeDir(ctx, name, func(mp string) error {
		keys := make([]string, 0, len(files))
		for k := range files {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := filepath.Join(mp, filepath.Clean("/"+k))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return fmt.Errorf("volume %s: %w", name, err)
			}
			if err := atomicfile.Write(p, files[k], mode); err != nil {
				return fmt.Errorf("volume %s: %w", name, err)
			}
		}
		return removeOthers(mp, files)
	})
}

// removeOthers removes the regular files under dir that keep does not name.
func removeOthers(dir string, keep map[string][]byte) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		if _, ok := keep[rel]; ok {
			return nil
		}
		return os.Remove(p)
	})
}
