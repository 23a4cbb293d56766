package engine

import (
	"github.com/podunit/podunit/engine/image"
	"github.com/podunit/podunit/engine/model"
)

// imageTaken records which of cfg's settings create takes from the image
// (called before it fills them in), so that a container that follows its
// image's name takes the new image's settings where the user gave none,
// as Podman's containers re-created from their spec do.
func imageTaken(cfg *model.Config, o CreateOptions) *model.ImageTaken {
	userEnv, _ := mergeEnv(nil, o.Env, o.Environ) // a bad one fails create right after
	return &model.ImageTaken{
		Entrypoint: o.Entrypoint == nil,
		Cmd:        o.Entrypoint == nil && len(o.Cmd) == 0,
		WorkingDir: cfg.WorkingDir == "",
		User:       cfg.User == "",
		UserEnv:    userEnv,
		EnvMerge:   o.EnvMerge,
		StopSignal: cfg.StopSignal == "",
	}
}

// healthTaken is the check as the flags gave it where create takes it
// from the image (h.FromImage), for ImageTaken.Health; else nil.
func healthTaken(h *model.HealthConfig) *model.HealthConfig {
	if h == nil || !h.FromImage {
		return nil
	}
	flags := *h
	return &flags
}

// retakeFromImage gives cfg the settings of img that create took from
// the image it was made from (command, entrypoint, environment, user,
// working directory, stop signal, health check). A container recorded without FromImage
// keeps what it has; so does an environment the new image makes invalid.
func retakeFromImage(cfg *model.Config, img *image.Image) {
	t := cfg.FromImage
	if t == nil {
		return
	}
	if t.Entrypoint {
		cfg.Entrypoint = img.Config.Entrypoint
	}
	if t.Cmd {
		cfg.Cmd = img.Config.Cmd
	}
	if t.WorkingDir {
		cfg.WorkingDir = img.Config.WorkingDir
	}
	if t.User {
		cfg.User = img.Config.User
	}
	env, err := mergeEnv(img.Config.Env, t.UserEnv, nil)
	if err == nil {
		env, err = envMerge(env, img.Config.Env, t.EnvMerge)
	}
	if err == nil && validateEnvText(env) == nil {
		cfg.Env = env
	}
	if t.StopSignal {
		cfg.StopSignal = signalName(img.Config.StopSignal)
	}
	if t.Health != nil {
		retakeHealth(cfg, *t.Health, img)
	}
}

// retakeHealth gives cfg the check of img (HEALTHCHECK) completed with the
// flags' settings, as create did with the old image's; none where img has
// none. A startup check without the image's check to follow it keeps the
// check it has (create would refuse it).
func retakeHealth(cfg *model.Config, flags model.HealthConfig, img *image.Image) {
	if h, err := imageHealth(&flags, img); err == nil {
		cfg.Health = h
	}
}
