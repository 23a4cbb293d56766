package generator

import (
	"path/filepath"
	"slices"
	"strconv"
)

// usersDir holds sources for every user's manager; its numeric
// subdirectories are single users' (usersDir/UID), read only by that user
// and not descended into from usersDir, as Quadlet's
// /etc/containers/systemd/users.
const usersDir = "/etc/podunit/systemd/users"

// skips reports whether the walk leaves directory p out: one of cfg.Skip,
// or a user's own directory under one of cfg.SkipUIDs.
func (cfg Config) skips(p string) bool {
	if slices.Contains(cfg.Skip, p) {
		return true
	}
	_, err := strconv.ParseUint(filepath.Base(p), 10, 32)
	return err == nil && slices.Contains(cfg.SkipUIDs, filepath.Dir(p))
}
