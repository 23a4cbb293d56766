//go:build !hotpath

package main

import (
	"context"
	"fmt"
	"os"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/kube"
)

// kubeVolumes makes the plan's named volumes (a claim's is kept if there)
// and host paths of the *OrCreate types, and writes the ConfigMaps' and
// Secrets' files.
func kubeVolumes(ctx context.Context, eng *engine.Engine, plan *kube.Plan, undo *kubeUndo) error {
	for _, h := range plan.HostPaths {
		if err := makeHostPath(h); err != nil {
			return err
		}
	}
	for _, v := range plan.Volumes {
		o := engine.VolumeCreateOptions{Name: v.Name, IgnoreIfExists: true}
		if v.Files != nil || v.Kind == kube.VolumeConfigMap || v.Kind == kube.VolumeSecret {
			o.Options = map[string]string{"nocopy": ""}
		}
		there, err := eng.VolumeExists(ctx, v.Name)
		if err != nil {
			return err
		}
		if _, err := eng.VolumeCreate(ctx, o); err != nil {
			return err
		}
		if !there {
			undo.volumes = append(undo.volumes, v.Name)
		}
		if len(v.Files) == 0 {
			continue
		}
		if err := eng.VolumeWriteFiles(ctx, v.Name, v.Files, os.FileMode(v.Mode)); err != nil {
			return err
		}
	}
	return nil
}

// checkHostPath checks that a hostPath is what its type says.
func checkHostPath(h kube.HostPath) error {
	if !h.Known() {
		return fmt.Errorf("hostPath %s: type %q is not one Kubernetes knows: %w", h.Path, h.Type, errdefs.ErrInvalidArgument)
	}
	want, ok := h.MustExist()
	if ok == nil {
		return nil
	}
	if st, err := os.Stat(h.Path); err != nil || !ok(st.Mode()) {
		return fmt.Errorf("hostPath %s: not %s (type %s): %w", h.Path, want, h.Type, errdefs.ErrInvalidArgument)
	}
	return nil
}

func makeHostPath(h kube.HostPath) error {
	switch {
	case h.CreateDir():
		return os.MkdirAll(h.Path, 0o755)
	case h.CreateFile():
		f, err := os.OpenFile(h.Path, os.O_CREATE|os.O_RDONLY, 0o644)
		if err != nil {
			return err
		}
		return f.Close()
	}
	return nil
}
