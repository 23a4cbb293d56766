package model

// OpsConfig is what operations (health checks, auto-update) need to
// remember of how a container was made.
type OpsConfig struct {
	// NoHealthcheck: --no-healthcheck refused the image's HEALTHCHECK, so
	// a container made again from the same flags (generate --new) does too.
	NoHealthcheck bool `json:"noHealthcheck,omitempty"`
	// FromImage says which settings create took from the image, so that a
	// container that follows its image's name (auto-update) takes the new
	// image's; nil for a container made before podunit recorded it, which
	// keeps what it has.
	FromImage *ImageTaken `json:"fromImage,omitempty"`
}

// ImageTaken is which of a container's settings are its image's.
type ImageTaken struct {
	Entrypoint bool `json:"entrypoint,omitempty"` // no --entrypoint
	Cmd        bool `json:"cmd,omitempty"`        // neither a command nor --entrypoint
	WorkingDir bool `json:"workingDir,omitempty"` // no --workdir
	User       bool `json:"user,omitempty"`       // no --user
	// UserEnv is the environment the user gave (--env, --env-file, host
	// values resolved), laid over the image's; EnvMerge the --env-merge
	// values, expanded against the image's environment.
	UserEnv    []string `json:"userEnv,omitempty"`
	EnvMerge   []string `json:"envMerge,omitempty"`
	StopSignal bool     `json:"stopSignal,omitempty"` // no --stop-signal
	// Health is the check as the flags gave it (FromImage set: no
	// --health-cmd, no --no-healthcheck), to be completed from the image's
	// HEALTHCHECK; nil where the check is not the image's.
	Health *HealthConfig `json:"health,omitempty"`
}
