package engine

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/image"
)

// ChangeInstructions are the Dockerfile instructions that import's and
// commit's --change take, as Podman's do.
const ChangeInstructions = "CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME or WORKDIR"

// applyChange applies one --change instruction to cfg. As with Podman, an
// instruction (any case) is followed by a space or "=" and its value:
// "LABEL k=v" and "LABEL=k=v" are the same. ONBUILD is checked and dropped:
// an OCI image has no place for it (Podman's import drops it too).
func applyChange(cfg *image.ImageConfig, change string) error {
	verb, arg, ok := splitChange(change)
	if !ok {
		return badChange(change, "want INSTRUCTION VALUE or INSTRUCTION=VALUE, the instruction one of "+ChangeInstructions)
	}
	var err error
	switch verb {
	case "CMD":
		cfg.Cmd = commandForm(arg, []string{"/bin/sh", "-c"})
	case "ENTRYPOINT":
		cfg.Entrypoint = commandForm(arg, []string{}) // empty: no entrypoint
	case "ENV":
		err = changeEnv(cfg, arg)
	case "EXPOSE":
		err = changeExpose(cfg, arg)
	case "LABEL":
		err = changeLabel(cfg, arg)
	case "ONBUILD":
		err = nonEmpty(arg, "a Dockerfile instruction")
	case "STOPSIGNAL":
		if _, err = ParseSignal(arg); err == nil {
			cfg.StopSignal = signalName(arg)
		}
	case "USER":
		if err = nonEmpty(arg, "a user"); err == nil {
			cfg.User = arg
		}
	case "VOLUME":
		err = changeVolume(cfg, arg)
	case "WORKDIR":
		err = changeWorkdir(cfg, arg)
	default:
		return badChange(change, fmt.Sprintf("%s is not an instruction --change takes: want %s", verb, ChangeInstructions))
	}
	if err != nil {
		return badChange(change, verb+": "+strings.TrimSuffix(err.Error(), ": "+errdefs.ErrInvalidArgument.Error()))
	}
	return nil
}

func badChange(change, why string) error {
	return fmt.Errorf("--change %q: %s: %w", change, why, errdefs.ErrInvalidArgument)
}

// splitChange cuts the instruction (upper-cased) from its value at the
// first space or "=".
func splitChange(change string) (verb, arg string, ok bool) {
	change = strings.TrimSpace(change)
	i := strings.IndexAny(change, " \t=")
	if i <= 0 {
		return "", "", false
	}
	return strings.ToUpper(change[:i]), strings.TrimSpace(change[i+1:]), true
}

func nonEmpty(arg, what string) error {
	if arg == "" {
		return fmt.Errorf("want %s", what)
	}
	return nil
}

// commandForm reads CMD's and ENTRYPOINT's exec form (a JSON array) or
// shell form (run by /bin/sh -c); empty gives ifEmpty.
func commandForm(arg string, ifEmpty []string) []string {
	var argv []string
	if arg == "" {
		return ifEmpty
	}
	if strings.HasPrefix(arg, "[") && json.Unmarshal([]byte(arg), &argv) == nil {
		return argv
	}
	return []string{"/bin/sh", "-c", arg}
}

// changeEnv sets one variable: KEY=VALUE, KEY VALUE or KEY alone (empty),
// a pair of double quotes around either taken off.
func changeEnv(cfg *image.ImageConfig, arg string) error {
	k, v, ok := strings.Cut(arg, "=")
	if !ok {
		k, v, _ = strings.Cut(arg, " ")
	}
	k, v = unquote(strings.TrimSpace(k)), unquote(strings.TrimSpace(v))
	if k == "" || strings.ContainsAny(k, "= \t") {
		return fmt.Errorf("want KEY=VALUE, KEY VALUE or KEY")
	}
	cfg.Env = setEnv(cfg.Env, k, v)
	return nil
}

// changeLabel sets one label: KEY=VALUE, a pair of double quotes around
// either taken off.
func changeLabel(cfg *image.ImageConfig, arg string) error {
	k, v, ok := strings.Cut(arg, "=")
	k, v = unquote(strings.TrimSpace(k)), unquote(strings.TrimSpace(v))
	if !ok || k == "" {
		return fmt.Errorf("want KEY=VALUE")
	}
	if cfg.Labels == nil {
		cfg.Labels = map[string]string{}
	}
	cfg.Labels[k] = v
	return nil
}

// changeExpose adds ports: PORT[/PROTO] each, space-separated, PROTO tcp
// (the default), udp or sctp.
func changeExpose(cfg *image.ImageConfig, arg string) error {
	ports := strings.Fields(arg)
	if len(ports) == 0 {
		return fmt.Errorf("want PORT[/PROTO]")
	}
	for _, p := range ports {
		num, proto, _ := strings.Cut(p, "/")
		n, err := strconv.Atoi(num)
		if err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("port %q: want a number from 1 to 65535", num)
		}
		switch proto = strings.ToLower(proto); proto {
		case "":
			proto = "tcp"
		case "tcp", "udp", "sctp":
		default:
			return fmt.Errorf("protocol %q of %s: want tcp, udp or sctp", proto, p)
		}
		cfg.ExposedPorts = addKey(cfg.ExposedPorts, fmt.Sprintf("%d/%s", n, proto))
	}
	return nil
}

// changeVolume adds volumes: a JSON array of paths, or paths separated
// by spaces.
func changeVolume(cfg *image.ImageConfig, arg string) error {
	var paths []string
	if !strings.HasPrefix(arg, "[") || json.Unmarshal([]byte(arg), &paths) != nil {
		paths = strings.Fields(arg)
	}
	if len(paths) == 0 || slices.Contains(paths, "") {
		return fmt.Errorf("want one or more paths")
	}
	for _, p := range paths {
		cfg.Volumes = addKey(cfg.Volumes, p)
	}
	return nil
}

// changeWorkdir sets the working directory; a relative one is taken from
// the one before, as a Dockerfile's WORKDIR.
func changeWorkdir(cfg *image.ImageConfig, arg string) error {
	if err := nonEmpty(arg, "a directory"); err != nil {
		return err
	}
	if !path.IsAbs(arg) {
		arg = path.Join("/", cfg.WorkingDir, arg)
	}
	cfg.WorkingDir = arg
	return nil
}

// unquote takes off one pair of double quotes around s.
func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return s[1 : len(s)-1]
	}
	return s
}

func addKey(m map[string]struct{}, k string) map[string]struct{} {
	if m == nil {
		m = map[string]struct{}{}
	}
	m[k] = struct{}{}
	return m
}

// setEnv sets KEY=value in env, replacing an earlier KEY.
func setEnv(env []string, key, value string) []string {
	out := slices.DeleteFunc(slices.Clone(env), func(kv string) bool { return strings.HasPrefix(kv, key+"=") })
	return append(out, key+"="+value)
}
