package main

import (
	"os"
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/podunit/podunit/engine"
)

// registerModule adds the global --module flag (Podman's): a containers.conf
// module read after the configuration files. podunit reads the settings it
// follows from any containers.conf ([containers] netns, [network]
// default_network) from modules too.
func (a *app) registerModule(f *pflag.FlagSet) {
	f.StringArrayVar(&a.cfg.ConfModules, "module", nil, "load a containers.conf module: a path, or a name in the containers.conf.modules directories")
}

// resolveModules replaces each --module name by its file before the
// engine opens (a resolved path resolves to itself).
func (a *app) resolveModules() error {
	dirs := engine.ModuleDirs(configHome())
	for i, m := range a.cfg.ConfModules {
		path, err := engine.ResolveModule(m, dirs)
		if err != nil {
			return err
		}
		a.cfg.ConfModules[i] = path
	}
	return nil
}

// configHome is $XDG_CONFIG_HOME, else ~/.config, else "".
func configHome() string {
	if d := os.Getenv("XDG_CONFIG_HOME"); d != "" {
		return d
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".config")
	}
	return ""
}
