// Package model holds podunit's records as pure data: what a container is
// (its immutable Config, fixed at create) and what it is doing (its State,
// which changes). No I/O happens here.
package model

import (
	"strings"
	"time"
)

// Container is one container record. ID, Name, Image, Created and Config
// are immutable after create; ImageID too, but for a container with an
// auto-update policy, whose start follows the image's name; State changes
// through Transition.
type Container struct {
	ID      string    `json:"id"`      // required: 64 hex digits
	Name    string    `json:"name"`    // required, unique
	Image   string    `json:"image"`   // required: the full name the reference matched (or the ID typed)
	ImageID string    `json:"imageId"` // required
	Created time.Time `json:"created"` // required
	Config  Config    `json:"config"`
	State   State     `json:"state"`
}

// Config is what the user asked for at create. Optional fields may be empty.
type Config struct {
	Entrypoint  []string          `json:"entrypoint,omitempty"` // as given (--entrypoint), else the image's
	Cmd         []string          `json:"cmd,omitempty"`        // as given after the image, else the image's
	Env         []string          `json:"env,omitempty"`        // final KEY=VALUE list, image env merged
	Labels      map[string]string `json:"labels,omitempty"`
	WorkingDir  string            `json:"workingDir,omitempty"`
	User        string            `json:"user,omitempty"`
	Hostname    string            `json:"hostname,omitempty"`
	Mounts      []Mount           `json:"mounts,omitempty"` // binds
	Tmpfs       []string          `json:"tmpfs,omitempty"`  // "/path[:opts]"
	ReadOnly    bool              `json:"readOnly,omitempty"`
	Privileged  bool              `json:"privileged,omitempty"`
	CapAdd      []string          `json:"capAdd,omitempty"`
	CapDrop     []string          `json:"capDrop,omitempty"`
	StopSignal  string            `json:"stopSignal,omitempty"` // e.g. "SIGTERM"
	StopTimeout uint              `json:"stopTimeout"`          // seconds
	Restart     string            `json:"restart,omitempty"`    // no, on-failure[:N], always, unless-stopped
	Remove      bool              `json:"remove,omitempty"`     // --rm
	SdNotify    string            `json:"sdNotify,omitempty"`   // "" (podunit says READY), "container", "ignore"
	Runtime     string            `json:"runtime,omitempty"`    // crun or runc, or a path
	Pod         string            `json:"pod,omitempty"`        // the ID of the pod it belongs to
	// Network is "none", "host", "container:ID", "ns:PATH" or a network's
	// name; "" for a pod member (it has the pod's).
	Network string        `json:"network,omitempty"`
	Ports   []PortMapping `json:"ports,omitempty"` // published ports (-p), one per port
	NetConfig
	Resources Resources `json:"resources,omitzero"` // --memory, --cpus, --ulimit, … (resources.go)
	Storage
	MetaConfig
	Identity
	TermConfig
	PullConfig
	PodRole
	Secrets []SecretRef `json:"secrets,omitempty"` // --secret, resolved at each start
	OpsConfig

	Health *HealthConfig `json:"health,omitempty"` // --health-*; nil: no check
}

// Args is the argv the container runs: entrypoint followed by cmd.
func (c *Config) Args() []string {
	return append(append([]string{}, c.Entrypoint...), c.Cmd...)
}

// SystemdRestart maps a Podman restart policy (--restart) onto systemd's
// Restart=: always and unless-stopped are always, on-failure[:N] is
// on-failure, anything else no.
func SystemdRestart(policy string) string {
	base, _, _ := strings.Cut(policy, ":")
	switch base {
	case "always", "unless-stopped":
		return "always"
	case "on-failure":
		return "on-failure"
	}
	return "no"
}

// Mount is a bind mount from the host, or a named volume.
type Mount struct {
	// Type is "bind" (also when empty), "volume" or one of storage.go's;
	// for a volume, Source is the volume's name.
	Type        string   `json:"type,omitempty"`
	Source      string   `json:"source"`
	Destination string   `json:"destination"`
	ReadOnly    bool     `json:"readOnly,omitempty"`
	Options     []string `json:"options,omitempty"`
	Anonymous   bool     `json:"anonymous,omitempty"` // a volume -v /path made; rm -v and --rm remove it
	SubPath     string   `json:"subPath,omitempty"`   // a volume's: the directory or file of it to mount (--mount subpath=)
}

// State is what the container is doing; the engine derives it from the
// machine (runtime state, systemd) and records it here.
type State struct {
	Status     Status    `json:"status"`
	Pid        int       `json:"pid,omitempty"`
	ExitCode   int       `json:"exitCode"`
	StartedAt  time.Time `json:"startedAt"`
	FinishedAt time.Time `json:"finishedAt"`
	Unit       string    `json:"unit,omitempty"`  // the systemd unit running it, if any
	Error      string    `json:"error,omitempty"` // why the last start failed
	IP         string    `json:"ip,omitempty"`    // its address on its network, while attached

	Health *HealthState `json:"health,omitempty"` // the health checks' findings since the last start
}

// PortMapping publishes one container port on the host; HostIP "" means
// every address. Protocol is tcp or udp.
type PortMapping struct {
	HostIP        string `json:"hostIP,omitempty"`
	HostPort      uint16 `json:"hostPort"`
	ContainerPort uint16 `json:"containerPort"`
	Protocol      string `json:"protocol"`
}
