package spec

import (
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// DefaultPath is the PATH a container gets when its environment has none.
const DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// defaultUmask is podman's default umask, 0022.
const defaultUmask uint32 = 0o022

// process builds the spec's process. podman leaves oomScoreAdj unset, so do we.
func process(in Input, u execUser, caps *specs.LinuxCapabilities, rlimits []specs.POSIXRlimit, hostname string) *specs.Process {
	cwd := in.WorkingDir
	if cwd == "" {
		cwd = "/"
	}
	user := u.user
	umask := defaultUmask
	user.Umask = &umask
	return &specs.Process{
		Terminal:        in.Terminal,
		ConsoleSize:     consoleSize(in),
		User:            user,
		Args:            append([]string(nil), in.Args...),
		Env:             environment(in, u.home, hostname),
		Cwd:             cwd,
		Capabilities:    caps,
		Rlimits:         rlimits,
		NoNewPrivileges: in.NoNewPrivileges,
		ApparmorProfile: in.AppArmorProfile,
	}
}

// consoleSize is in.ConsoleSize for a terminal, so that a program that
// asks for its size at once (stty size) gets the caller's, not 0x0.
func consoleSize(in Input) *specs.Box {
	if !in.Terminal || in.ConsoleSize == nil {
		return nil
	}
	b := *in.ConsoleSize
	return &b
}

// environment returns in.Env with the variables podman adds when missing:
// PATH, HOME (from passwd), HOSTNAME (with a private UTS namespace),
// container (podunit instead of podman) and, with a terminal, TERM=xterm.
func environment(in Input, home, hostname string) []string {
	env := append([]string(nil), in.Env...)
	add := func(key, value string) {
		for _, kv := range env {
			if k, _, _ := strings.Cut(kv, "="); k == key {
				return
			}
		}
		env = append(env, key+"="+value)
	}
	add("PATH", DefaultPath)
	if in.Terminal {
		add("TERM", "xterm")
	}
	add("container", "podunit")
	if hostname != "" {
		add("HOSTNAME", hostname)
	}
	if home == "" {
		home = "/"
	}
	add("HOME", home)
	return env
}
