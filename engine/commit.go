package engine

import (
	"context"
	"maps"
	"slices"

	"github.com/podunit/podunit/engine/image"
	"github.com/podunit/podunit/engine/model"
)

// CommitOptions are commit's flags.
type CommitOptions struct {
	Name            string   // the new image's name ("" leaves it unnamed)
	Author, Message string   // recorded in the image's history
	Changes         []string // Dockerfile instructions (change.go)
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
