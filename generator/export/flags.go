package export

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/podunit/podunit/engine/model"
)

// runFlags rebuilds `podunit run` flags, image and command from a
// container's recorded configuration, so that running them makes the same
// container again (on this host or another).
func runFlags(c *model.Container, pod *model.Pod) []string {
	cfg := &c.Config
	args := []string{"--name", c.Name}
	add := func(flag string, vals ...string) {
		for _, v := range vals {
			args = append(args, flag, v)
		}
	}
	add("-e", cfg.Env...)
	for _, k := range slices.Sorted(maps.Keys(cfg.Labels)) {
		add("-l", k+"="+cfg.Labels[k])
	}
	args = append(args, storageFlags(cfg)...)
	add("--tmpfs", cfg.Tmpfs...)
	optional := [][2]string{{"-w", cfg.WorkingDir}, {"-u", cfg.User}, {"-h", cfg.Hostname},
		{"--stop-signal", cfg.StopSignal}, {"--sdnotify", cfg.SdNotify}}
	for _, kv := range optional {
		if kv[1] != "" {
			add(kv[0], kv[1])
		}
	}
	add("--stop-timeout", strconv.FormatUint(uint64(cfg.StopTimeout), 10))
	if cfg.ReadOnly {
		args = append(args, "--read-only")
	}
	if cfg.Privileged {
		args = append(args, "--privileged")
	}
	add("--cap-add", cfg.CapAdd...)
	add("--cap-drop", cfg.CapDrop...)
	add("--secret", secretFlags(cfg.Secrets)...)
	args = append(args, healthFlags(cfg)...)
	if pod != nil {
		add("--pod", pod.Name)
		add("--init-ctr", nonEmpty(cfg.InitCtr)...)
	}
	args = append(args, resourceFlags(cfg.Resources)...)
	args = append(args, netFlags(cfg)...)
	args = append(args, metaFlags(cfg)...)
	args = append(args, identityFlags(cfg.Identity)...)
	args = append(args, pullFlags(cfg.PullConfig)...)
	ep, _ := json.Marshal(nonNil(cfg.Entrypoint)) // a []string always marshals
	add("--entrypoint", string(ep))
	args = append(args, termFlags(cfg.TermConfig)...)
	args = append(args, imageArgs(c)...)
	return append(args, cfg.Cmd...)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// volumeArg is -v SRC:DST[:OPTS], with ro and the mount's own options.
func volumeArg(m model.Mount) string {
	v := m.Source + ":" + m.Destination
	opts := m.Options
	if m.ReadOnly {
		opts = append([]string{"ro"}, opts...)
	}
	if len(opts) > 0 {
		v += ":" + strings.Join(opts, ",")
	}
	return v
}

// nonEmpty is s as a list of one value, or none when it is empty.
func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}
