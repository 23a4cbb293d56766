package engine

import "github.com/podunit/podunit/engine/network"

// ConfFiles are the containers.conf files podunit reads, the modules
// (resolved paths) last so that they win, as Podman loads them.
func ConfFiles(modules []string) []string {
	return append(network.ConfFiles(), modules...)
}

// EngineEnv is containers.conf's [engine] env (network.Defaults.Env): the
// NAME=VALUE settings for podunit's own process; a malformed file or entry
// is an invalid argument naming the file.
func EngineEnv(files []string) ([]string, error) {
	d, err := network.ReadDefaults(files)
	return d.Env, err
}
