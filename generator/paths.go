// Package generator turns podunit's declarative source files (.container,
// .pod, .volume, .network, .image) into systemd units, as a systemd
// generator does: it finds the sources on a search path, applies drop-ins
// and templates, translates them (package quadlet), enables [Install]
// with symlinks and writes the units. It prints nothing and exits nowhere:
// the caller (cmd/podunit-generator, `podunit generate check`) does.
package generator

import (
	"path/filepath"
	"strconv"
	"strings"
)

// Config says where to read sources and how to translate them.
type Config struct {
	Dirs []string // search roots, highest precedence first
	Skip []string // directories not to descend into (/etc/podunit/systemd/users)
	// SkipUIDs are directories whose numeric subdirectories (one user's
	// each) are not descended into.
	SkipUIDs []string
	Binary   string   // podunit's absolute path in Exec lines
	User     bool     // units for a user manager
	Only     []string // when set, report only units and errors of these source files
	// StorageRoot is where podunit's storage (and secret store) is, for
	// LoadCredential=; "" is quadlet.DefaultStorageRoot.
	StorageRoot string
	// EtcDir holds the passwd and group files that [Volume] User= and
	// Group= names are looked up in; "" is quadlet.DefaultEtcDir.
	EtcDir string
	// Scanned, when set, learns how many source files the scan found,
	// before any is read: the command may size its heap by it.
	Scanned func(sources int)
}

// DefaultBinary is podunit's path in generated units.
const DefaultBinary = "/usr/bin/podunit"

// Env is what the search path depends on, passed in rather than read here.
type Env struct {
	Getenv func(string) string
	UID    int
	Home   string
}

// DefaultConfig returns the configuration for a system or a user manager:
// the search path (replaced by $PODUNIT_UNIT_DIRS, colon-separated) and
// the binary ($PODUNIT_BINARY).
func DefaultConfig(user bool, env Env) Config {
	cfg := Config{User: user, Binary: DefaultBinary, StorageRoot: storageRoot(user, env)}
	if b := env.Getenv("PODUNIT_BINARY"); b != "" {
		cfg.Binary = b
	}
	if dirs := env.Getenv("PODUNIT_UNIT_DIRS"); dirs != "" {
		for _, d := range strings.Split(dirs, ":") {
			if d != "" {
				cfg.Dirs = append(cfg.Dirs, d)
			}
		}
		return cfg
	}
	if !user {
		cfg.Dirs = []string{"/run/podunit/systemd", "/etc/podunit/systemd", "/usr/share/podunit/systemd"}
		cfg.Skip = []string{"/etc/podunit/systemd/users"}
		return cfg
	}
	if rt := env.Getenv("XDG_RUNTIME_DIR"); rt != "" {
		cfg.Dirs = append(cfg.Dirs, filepath.Join(rt, "podunit/systemd"))
	}
	config := env.Getenv("XDG_CONFIG_HOME")
	if config == "" && env.Home != "" {
		config = filepath.Join(env.Home, ".config")
	}
	if config != "" {
		cfg.Dirs = append(cfg.Dirs, filepath.Join(config, "podunit/systemd"))
	}
	cfg.Dirs = append(cfg.Dirs, filepath.Join(usersDir, strconv.Itoa(env.UID)), usersDir)
	cfg.SkipUIDs = []string{usersDir}
	return cfg
}

// storageRoot is containers/storage's default root for the manager:
// rootless storage under $XDG_DATA_HOME (~/.local/share) for a user, ""
// (quadlet.DefaultStorageRoot) for the system. storage.conf's graphroot is
// not read: a unit whose podunit uses another root says so in GlobalArgs=.
func storageRoot(user bool, env Env) string {
	if !user {
		return ""
	}
	data := env.Getenv("XDG_DATA_HOME")
	if data == "" && env.Home != "" {
		data = filepath.Join(env.Home, ".local/share")
	}
	if data == "" {
		return ""
	}
	return filepath.Join(data, "containers/storage")
}
