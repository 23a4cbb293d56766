package export

import (
	"fmt"
	"maps"
	"slices"

	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/names"
)

// metaFlags rebuilds the metadata flags. The recorded environment already
// holds what --env-host and --http-proxy took from the creator's
// environment, so the unit says --http-proxy=false: the unit's own proxy
// settings must not add to it.
func metaFlags(cfg *model.Config) []string {
	args := []string{"--http-proxy=false"}
	for _, k := range slices.Sorted(maps.Keys(cfg.Annotations)) {
		args = append(args, "--annotation", k+"="+cfg.Annotations[k])
	}
	for _, p := range cfg.Expose {
		args = append(args, "--expose", p)
	}
	for _, u := range cfg.HostUsers {
		args = append(args, "--hostuser", u)
	}
	for _, kv := range [][2]string{{"--tz", cfg.Timezone}, {"--log-driver", cfg.LogDriver}} {
		if kv[1] != "" {
			args = append(args, kv[0], kv[1])
		}
	}
	if cfg.LogTag != "" {
		args = append(args, "--log-opt", "tag="+cfg.LogTag)
	}
	return args
}

// logIdentifier is the journal identifier of the container's output: its
// --log-opt tag=, else its name (as engine.LogIdentifier).
func logIdentifier(c *model.Container) string {
	if c.Config.LogTag != "" {
		return c.Config.LogTag
	}
	return c.Name
}

// checkLogTag refuses a tag that could not be written to a unit.
func checkLogTag(c *model.Container) error {
	if t := c.Config.LogTag; t != "" && !names.ValidLogTag(t) {
		return fmt.Errorf("container %q: log tag %q cannot be written to a unit", c.Name, t)
	}
	return nil
}
