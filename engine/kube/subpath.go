package kube

import (
	"path"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// mountArg is the --mount value of vm from src (without ro): a subPath of a
// host path binds the path under it, of a named volume mounts the volume's
// subpath=.
func mountArg(src source, vm corev1.VolumeMount, mp string) (string, error) {
	sub := vm.SubPath
	if sub != "" && !relInside(sub) {
		return "", bad(mp+".subPath", "%q is not a relative path inside the volume", sub)
	}
	if strings.Contains(src.name+vm.MountPath+sub, ",") {
		return "", bad(mp+".mountPath", "a path with a comma is not supported")
	}
	if src.bind {
		return "type=bind,source=" + path.Join(src.name, sub) + ",target=" + vm.MountPath, nil
	}
	m := "type=volume,source=" + src.name + ",target=" + vm.MountPath
	if sub != "" {
		m += ",subpath=" + sub
	}
	return m, nil
}

// relInside reports whether p is a clean relative path that stays inside
// the directory it is relative to.
func relInside(p string) bool {
	return p != "" && !path.IsAbs(p) && path.Clean(p) == p && p != ".." && !strings.HasPrefix(p, "../")
}
