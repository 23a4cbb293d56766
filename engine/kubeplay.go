package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/systemd"
)

// PodUp starts a pod's unit (pinning its shared namespaces) without
// starting its members: what `kube play` needs to run init containers in
// the pod before the others start.
func (e *Engine) PodUp(ctx context.Context, ref string) error {
	return e.podOp(ctx, ref, func(p *model.Pod, _ []*model.Container) error {
		conn, err := systemd.Connect(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		return e.podUp(ctx, conn, p)
	})
}

// VolumeWriteFiles writes files (name → content, names relative to the
// volume's top) into volume name with mode, each temp + fsync + rename:
// the files of a ConfigMap or Secret that `kube play` mounts.
func (e *Engine) VolumeWriteFiles(ctx context.Context, name string, files map[string][]byte, mode os.FileMode) error {
	mp, err := e.readyVolume(ctx, name)
	if err != nil {
		return err
	}
	unlock, err := e.lockVolume(ctx, name)
	if err != nil {
		return err
	}
	defer unlock()
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
		if err := writeFileAtomic(p, files[k], mode); err != nil {
			return fmt.Errorf("volume %s: %w", name, err)
		}
	}
	return nil
}
