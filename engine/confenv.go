package engine

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/network"
)

// ConfFiles are the containers.conf files podunit reads, the modules
// (resolved paths) last so that they win, as Podman loads them.
func ConfFiles(modules []string) []string {
	return append(network.ConfFiles(), modules...)
}

// EngineEnv is containers.conf's [engine] env: NAME=VALUE settings for
// the engine's own process (a proxy, a registries.conf), never for the
// containers. As in Podman a later file's list replaces an earlier one's;
// missing files are skipped, and a malformed file or entry is an invalid
// argument naming the file.
func EngineEnv(files []string) ([]string, error) {
	var env []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("containers.conf %s: %w", f, err)
		}
		var c struct {
			Engine struct {
				Env *[]string `toml:"env"`
			} `toml:"engine"`
		}
		if err := toml.Unmarshal(data, &c); err != nil {
			return nil, fmt.Errorf("containers.conf %s: %w: %w", f, errdefs.ErrInvalidArgument, err)
		}
		if c.Engine.Env == nil {
			continue
		}
		for _, kv := range *c.Engine.Env {
			if name, _, ok := strings.Cut(kv, "="); !ok || name == "" {
				return nil, fmt.Errorf("containers.conf %s: [engine] env: %q is not NAME=VALUE: %w", f, kv, errdefs.ErrInvalidArgument)
			}
		}
		env = *c.Engine.Env
	}
	return env, nil
}
