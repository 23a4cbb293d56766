package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/names"
	"github.com/podunit/podunit/engine/spec"
	"github.com/podunit/podunit/internal/atomicfile"
)

// ZoneinfoDir is where --tz NAME finds its zone: the host's tzdata.
const ZoneinfoDir = "/usr/share/zoneinfo"

// LocalZone is the file --tz local copies: the host's own time zone.
const LocalZone = "/etc/localtime"

// completeMeta checks the metadata settings and brings --expose into one
// form ("80/tcp" per port).
func completeMeta(m *model.MetaConfig) error {
	for k := range m.Annotations {
		if k == "" {
			return fmt.Errorf("--annotation: an annotation has no key: %w", errdefs.ErrInvalidArgument)
		}
	}
	if _, err := ZoneFile(m.Timezone); err != nil {
		return err
	}
	if err := checkLogDriver(m); err != nil {
		return err
	}
	for _, u := range m.HostUsers {
		if _, err := hostUser(u); err != nil {
			return err
		}
	}
	var ports []string
	for _, e := range m.Expose {
		p, err := ParseExpose(e)
		if err != nil {
			return err
		}
		ports = append(ports, p...)
	}
	m.Expose = ports
	return nil
}

// ZoneFile is the host file that becomes a container's /etc/localtime for
// --tz tz: the host's own for "local", else the zone's file under
// ZoneinfoDir; "" for no --tz.
func ZoneFile(tz string) (string, error) {
	bad := func(why string) error {
		return fmt.Errorf("--tz %q: %s: %w", tz, why, errdefs.ErrInvalidArgument)
	}
	switch {
	case tz == "":
		return "", nil
	case tz == "local":
		if _, err := os.Stat(LocalZone); err != nil {
			return "", bad("this host has no " + LocalZone)
		}
		return LocalZone, nil
	case filepath.IsAbs(tz) || strings.Contains(tz, "..") || strings.ContainsAny(tz, "\x00\n"):
		return "", bad("want local or a zone name such as Europe/Berlin")
	}
	path := filepath.Join(ZoneinfoDir, tz)
	if fi, err := os.Stat(path); err != nil || !fi.Mode().IsRegular() {
		return "", bad("no such time zone in " + ZoneinfoDir)
	}
	return path, nil
}

// checkLogDriver accepts the log drivers that need no monitor process.
// k8s-file (and json-file, Docker's) would need one to write the file:
// podunit has none (the container's output is its unit's journal stream).
func checkLogDriver(m *model.MetaConfig) error {
	switch m.LogDriver {
	case "", model.LogJournald, model.LogPassthrough, model.LogNone:
	case "k8s-file", "json-file":
		return fmt.Errorf("--log-driver %s: podunit has no monitor process to write a log file; "+
			"use journald (the default), passthrough or none: %w", m.LogDriver, errdefs.ErrNotImplemented)
	default:
		return fmt.Errorf("--log-driver %q: want journald, passthrough or none: %w", m.LogDriver, errdefs.ErrInvalidArgument)
	}
	if m.LogTag != "" && m.LogDriverName() != model.LogJournald {
		return fmt.Errorf("--log-opt tag=%s: a tag is for the journald log driver, not %s: %w", m.LogTag, m.LogDriver, errdefs.ErrInvalidArgument)
	}
	if m.LogTag != "" && !names.ValidLogTag(m.LogTag) {
		return fmt.Errorf("--log-opt tag=%q: want letters, digits, _ . - (at most 64): %w", m.LogTag, errdefs.ErrInvalidArgument)
	}
	return nil
}

// ParseExpose reads --expose PORT[-PORT][/tcp|udp|sctp] into one "PORT/proto"
// per port, as Podman's Config.ExposedPorts lists them.
func ParseExpose(s string) ([]string, error) {
	bad := func(why string) error {
		return fmt.Errorf("--expose %q: %s: %w", s, why, errdefs.ErrInvalidArgument)
	}
	ports, proto, _ := strings.Cut(s, "/")
	switch proto {
	case "":
		proto = "tcp"
	case "tcp", "udp", "sctp":
	default:
		return nil, bad("the protocol must be tcp, udp or sctp")
	}
	loS, hiS, isRange := strings.Cut(ports, "-")
	lo, err := strconv.ParseUint(loS, 10, 16)
	hi := lo
	if err == nil && isRange {
		hi, err = strconv.ParseUint(hiS, 10, 16)
	}
	if err != nil || lo == 0 || hi < lo {
		return nil, bad("want a port (1-65535) or a range LOW-HIGH")
	}
	var out []string
	for p := lo; p <= hi; p++ {
		out = append(out, strconv.FormatUint(p, 10)+"/"+proto)
	}
	return out, nil
}

// setupTimezone copies the zone of --tz into the bundle and binds it on
// /etc/localtime, read-only (a copy: the host changing its zone does not
// change a running container's, as in Podman).
func setupTimezone(c *model.Container, in *spec.Input, bundle string) error {
	src, err := ZoneFile(c.Config.Timezone)
	if err != nil || src == "" {
		return err
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("container %q: --tz %s: %w", c.Name, c.Config.Timezone, err)
	}
	dst := filepath.Join(bundle, "localtime")
	if err := atomicfile.Write(dst, data, 0o644); err != nil {
		return err
	}
	in.Mounts = append(in.Mounts, spec.Mount{Source: dst, Destination: LocalZone, ReadOnly: true})
	return nil
}

// envMerge applies --env-merge NAME=VALUE over env: $VAR and ${VAR} in
// VALUE are the image's (empty when the image has none), as Podman
// preprocesses them; the result replaces NAME.
func envMerge(env, image, merges []string) ([]string, error) {
	if len(merges) == 0 {
		return env, nil
	}
	imageEnv := map[string]string{}
	for _, kv := range image {
		k, v, _ := strings.Cut(kv, "=")
		imageEnv[k] = v
	}
	var set []string
	for _, m := range merges {
		k, v, ok := strings.Cut(m, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("--env-merge %q: want NAME=VALUE: %w", m, errdefs.ErrInvalidArgument)
		}
		set = append(set, k+"="+os.Expand(v, func(name string) string { return imageEnv[name] }))
	}
	return mergeEnv(env, set, nil)
}

// signalName is a --stop-signal in one form, SIGNAME (term, TERM, 15 and
// SIGTERM are SIGTERM), as inspect shows it and KillSignal= takes it; a
// signal without a name, or an invalid one (validateConfig refuses it),
// stays as given.
func signalName(s string) string {
	sig, err := ParseSignal(s)
	if err != nil || s == "" {
		return s
	}
	if name := unix.SignalName(sig); name != "" {
		return name
	}
	return s
}
