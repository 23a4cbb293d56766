package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/podunit/podunit/engine"
)

// registerModule adds the global --module flag (Podman's): a containers.conf
// module read after the configuration files. podunit reads the settings it
// follows from any containers.conf ([containers] netns, [network]
// default_network, [engine] env) from modules too.
func (a *app) registerModule(f *pflag.FlagSet) {
	stringArrayVar(f, &a.cfg.ConfModules, "module", "load a containers.conf module: a path, or a name in the containers.conf.modules directories")
}

// resolveModules replaces each --module name by its file, then applies
// the containers.conf files' [engine] env, so that flags reading the
// environment (--env-host, --http-proxy) see it, as in Podman: before the
// command runs, or before the engine opens where no command ran first;
// once a process (each read costs 0.3 ms a file).
func (a *app) resolveModules() error {
	if a.modulesResolved {
		return nil
	}
	a.modulesResolved = true
	dirs := engine.ModuleDirs(configHome())
	for i, m := range a.cfg.ConfModules {
		path, err := engine.ResolveModule(m, dirs)
		if err != nil {
			return err
		}
		a.cfg.ConfModules[i] = path
	}
	return setEngineEnv(engine.ConfFiles(a.cfg.ConfModules))
}

// setEngineEnv puts containers.conf's [engine] env (its modules' included)
// into podunit's own environment, as Podman does at start: the libraries
// read it when they act (a registries.conf, a proxy for pulls).
func setEngineEnv(files []string) error {
	env, err := engine.EngineEnv(files)
	if err != nil {
		return err
	}
	for _, kv := range env {
		name, value, _ := strings.Cut(kv, "=")
		if err := os.Setenv(name, value); err != nil {
			return fmt.Errorf("containers.conf [engine] env %s: %w", name, err)
		}
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
