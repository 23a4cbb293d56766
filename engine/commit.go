package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/image"
	"github.com/podunit/podunit/engine/model"
)

// CommitOptions are commit's flags.
type CommitOptions struct {
	Name            string   // the new image's name ("" leaves it unnamed)
	Author, Message string   // recorded in the image's history
	Changes         []string // Dockerfile instructions: CMD, ENTRYPOINT, ENV, LABEL, USER, WORKDIR, STOPSIGNAL
	Pause           bool     // freeze a running container while its changes are read
}

// Commit makes an image of a container: its image plus its changes, with
// its command, environment, user, working directory, labels and stop
// signal as the image's configuration (as Podman's commit does).
func (e *Engine) Commit(ctx context.Context, ref string, o CommitOptions) (string, error) {
	c, err := e.container(ctx, ref)
	if err == nil {
		err = needsStorage(c, "commit")
	}
	if err != nil {
		return "", err
	}
	cfg := image.ImageConfig{User: c.Config.User, Env: slices.Clone(c.Config.Env), Entrypoint: c.Config.Entrypoint,
		Cmd: c.Config.Cmd, WorkingDir: c.Config.WorkingDir, Labels: maps.Clone(c.Config.Labels), StopSignal: c.Config.StopSignal}
	for _, ch := range o.Changes {
		if err := applyChange(&cfg, ch); err != nil {
			return "", err
		}
	}
	if o.Pause && c.State.Status == model.Running && !paused(c) {
		if _, err := e.Pause(ctx, c.ID); err != nil {
			return "", err
		}
		defer func() { _, _ = e.Unpause(context.WithoutCancel(ctx), c.ID) }()
	}
	return e.images.Commit(ctx, c.ID, image.CommitOptions{Name: o.Name, Author: o.Author, Message: o.Message,
		Config: cfg, CreatedBy: "podunit commit " + c.Name})
}

// applyChange applies one --change instruction to cfg.
func applyChange(cfg *image.ImageConfig, change string) error {
	verb, arg, _ := strings.Cut(strings.TrimSpace(change), " ")
	arg = strings.TrimSpace(arg)
	bad := func(why string) error {
		return fmt.Errorf("--change %q: %s: %w", change, why, errdefs.ErrInvalidArgument)
	}
	switch strings.ToUpper(verb) {
	case "CMD":
		cfg.Cmd = commandForm(arg)
	case "ENTRYPOINT":
		cfg.Entrypoint = commandForm(arg)
	case "ENV":
		k, v, ok := strings.Cut(arg, "=")
		if !ok {
			k, v, ok = strings.Cut(arg, " ")
		}
		if k = strings.TrimSpace(k); !ok || k == "" {
			return bad("want ENV KEY=VALUE")
		}
		cfg.Env = setEnv(cfg.Env, k, strings.TrimSpace(v))
	case "LABEL":
		k, v, ok := strings.Cut(arg, "=")
		if !ok || k == "" {
			return bad("want LABEL KEY=VALUE")
		}
		if cfg.Labels == nil {
			cfg.Labels = map[string]string{}
		}
		cfg.Labels[k] = strings.Trim(v, `"`)
	case "USER":
		cfg.User = arg
	case "WORKDIR":
		cfg.WorkingDir = arg
	case "STOPSIGNAL":
		cfg.StopSignal = arg
	default:
		return bad("supported instructions are CMD, ENTRYPOINT, ENV, LABEL, USER, WORKDIR and STOPSIGNAL")
	}
	return nil
}

// commandForm reads CMD's and ENTRYPOINT's exec form (a JSON array) or
// shell form (run by /bin/sh -c).
func commandForm(arg string) []string {
	var argv []string
	if strings.HasPrefix(arg, "[") && json.Unmarshal([]byte(arg), &argv) == nil {
		return argv
	}
	return []string{"/bin/sh", "-c", arg}
}

// setEnv sets KEY=value in env, replacing an earlier KEY.
func setEnv(env []string, key, value string) []string {
	out := slices.DeleteFunc(slices.Clone(env), func(kv string) bool { return strings.HasPrefix(kv, key+"=") })
	return append(out, key+"="+value)
}
