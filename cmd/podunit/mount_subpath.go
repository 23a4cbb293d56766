package main

import (
	"fmt"
	"path"

	"github.com/podunit/podunit/engine/model"
)

// mountSubPath sets m's subpath= (a volume's directory or file to mount,
// Podman's): relative, inside the volume.
func mountSubPath(s string, kv map[string]string, m *model.Mount) error {
	sub, ok := kv["subpath"]
	if !ok {
		return nil
	}
	if !subPathOK(sub) {
		return fmt.Errorf("--mount %q: subpath=%s: want a relative path inside the volume", s, sub)
	}
	m.SubPath = sub
	return nil
}

func subPathOK(sub string) bool {
	clean := path.Clean(sub)
	return sub != "" && !path.IsAbs(sub) && clean != "." && clean != ".." && !hasDotDotPrefix(clean)
}

func hasDotDotPrefix(p string) bool { return len(p) > 2 && p[:3] == "../" }
