package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/network"
	"github.com/podunit/podunit/engine/spec"
)

// securityOpts is --security-opt read in Podman's forms.
type securityOpts struct {
	labels     []string // SELinux: recorded only (this host has no SELinux)
	apparmor   string   // "", "unconfined" or a profile's name
	seccomp    string   // "", "unconfined" or a profile file
	noNewPrivs bool
	mask       []string
	unmask     []string
}

const securityOptWant = "want label=…, apparmor=PROFILE|unconfined, seccomp=PROFILE.json|unconfined, no-new-privileges, mask=PATHS, unmask=PATHS|ALL"

// parseSecurityOpts reads each OPT=VALUE (Podman also takes label:VALUE).
func parseSecurityOpts(list []string) (securityOpts, error) {
	var o securityOpts
	for _, opt := range list {
		key, val, ok := strings.Cut(opt, "=")
		if !ok && strings.HasPrefix(opt, "label:") {
			key, val = "label", strings.TrimPrefix(opt, "label:")
		}
		if err := o.set(key, val); err != nil {
			return o, fmt.Errorf("--security-opt %q: %s: %w", opt, err, errdefs.ErrInvalidArgument)
		}
	}
	return o, nil
}

func (o *securityOpts) set(key, val string) error {
	switch key {
	case "label":
		return o.label(val)
	case "apparmor", "seccomp":
		if val == "" {
			return fmt.Errorf("%s needs a value", key)
		}
		*map[string]*string{"apparmor": &o.apparmor, "seccomp": &o.seccomp}[key] = val
	case "no-new-privileges":
		switch val {
		case "", "true":
			o.noNewPrivs = true
		case "false":
			o.noNewPrivs = false
		default:
			return fmt.Errorf("no-new-privileges is true or false")
		}
	case "mask", "unmask":
		return o.paths(key, val)
	case "systempaths":
		if val != "unconfined" {
			return fmt.Errorf("systempaths takes only unconfined")
		}
		o.unmask = append(o.unmask, "ALL")
	default:
		return fmt.Errorf("unknown option (%s)", securityOptWant)
	}
	return nil
}

// label checks an SELinux label option; podunit records it and has nothing
// to apply it to (no SELinux on this host).
func (o *securityOpts) label(val string) error {
	k, v, hasValue := strings.Cut(val, ":")
	switch {
	case (val == "disable" || val == "nested") && !hasValue:
	case hasValue && v != "" && slices.Contains([]string{"user", "role", "type", "level", "filetype"}, k):
	default:
		return fmt.Errorf("unknown label option (want disable, nested, user:, role:, type:, level:, filetype:)")
	}
	o.labels = append(o.labels, val)
	return nil
}

// paths reads mask=/a:/b or unmask=/a:/b|ALL.
func (o *securityOpts) paths(key, val string) error {
	for _, p := range strings.Split(val, ":") {
		if !filepath.IsAbs(p) && !(key == "unmask" && p == "ALL") {
			return fmt.Errorf("%s takes absolute paths separated by \":\"", key)
		}
		if key == "mask" {
			o.mask = append(o.mask, filepath.Clean(p))
		} else {
			o.unmask = append(o.unmask, filepath.Clean(p))
		}
	}
	return nil
}

// validateIdentity checks at create what the container's identity settings
// need from the host, so a bad one fails before anything exists.
func validateIdentity(cfg *model.Config) error {
	if _, err := userNSRequest(cfg.UserNSConfig); err != nil {
		return err
	}
	o, err := parseSecurityOpts(cfg.SecurityOpt)
	if err != nil {
		return err
	}
	if _, err := seccompProfile(o.seccomp); err != nil {
		return err
	}
	if err := checkAppArmor(o.apparmor); err != nil {
		return err
	}
	if err := checkIDMapMounts(cfg); err != nil {
		return err
	}
	if slices.Contains(cfg.GroupAdd, "keep-groups") {
		return fmt.Errorf("--group-add keep-groups: for rootless users only, as in Podman: %w", errdefs.ErrInvalidArgument)
	}
	if _, err := initBinary(cfg.Identity); err != nil {
		return err
	}
	return checkCgroupsMode(cfg.CgroupsMode, cfg.Runtime)
}

// seccompProfile reads a profile file ("" and unconfined have none).
func seccompProfile(path string) ([]byte, error) {
	if path == "" || path == "unconfined" {
		return nil, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--security-opt seccomp=%s: %w: %w", path, errdefs.ErrInvalidArgument, err)
	}
	if err := spec.CheckSeccompProfile(data); err != nil {
		return nil, fmt.Errorf("--security-opt seccomp=%s: %w", path, err)
	}
	return data, nil
}

// checkAppArmor refuses a named profile where the kernel has no AppArmor
// or has not loaded it.
func checkAppArmor(profile string) error {
	if profile == "" || profile == "unconfined" {
		return nil
	}
	enabled, _ := os.ReadFile("/sys/module/apparmor/parameters/enabled")
	if strings.TrimSpace(string(enabled)) != "Y" {
		return fmt.Errorf("--security-opt apparmor=%s: AppArmor is not enabled in this kernel: %w", profile, errdefs.ErrInvalidArgument)
	}
	loaded, err := os.ReadFile("/sys/kernel/security/apparmor/profiles")
	if err == nil && !strings.Contains("\n"+string(loaded), "\n"+profile+" (") {
		return fmt.Errorf("--security-opt apparmor=%s: no such AppArmor profile is loaded: %w", profile, errdefs.ErrInvalidArgument)
	}
	return nil
}

// initBinary is the init --init runs: --init-path, else catatonit.
func initBinary(id model.Identity) (string, error) {
	if !id.Init {
		return "", nil
	}
	if id.InitPath == "" {
		p, err := network.Catatonit()
		if err != nil {
			return "", fmt.Errorf("--init: %v; give --init-path: %w", err, errdefs.ErrInvalidArgument)
		}
		return p, nil
	}
	fi, err := os.Stat(id.InitPath)
	if err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
		return "", fmt.Errorf("--init-path %s: not an executable file: %w", id.InitPath, errdefs.ErrInvalidArgument)
	}
	return id.InitPath, nil
}

// checkCgroupsMode checks --cgroups: split, enabled and no-conmon are what
// podunit does anyway (the container in its own cgroup below the unit's,
// no monitor); disabled leaves it in its starter's cgroup and needs crun.
func checkCgroupsMode(mode, runtime string) error {
	switch mode {
	case "", "enabled", "split", "no-conmon":
		return nil
	case "disabled":
		if filepath.Base(runtime) != "crun" {
			return fmt.Errorf("--cgroups=disabled needs the crun runtime (this container's is %s): %w", runtime, errdefs.ErrInvalidArgument)
		}
		return nil
	}
	return fmt.Errorf("--cgroups %q: want enabled, disabled, no-conmon or split: %w", mode, errdefs.ErrInvalidArgument)
}

// optIDMap maps a mount with the container's user namespace maps
// (an idmapped mount), so its files keep their owners as the host sees them.
const optIDMap = "idmap"

// checkIDMapMounts refuses an idmapped mount of a container that has no
// user namespace of its own and no pod that may give it one (checked again
// at start, when a pod's is known).
func checkIDMapMounts(cfg *model.Config) error {
	if cfg.NewUserNS() || cfg.Pod != "" {
		return nil
	}
	for _, m := range cfg.Mounts {
		if slices.Contains(m.Options, optIDMap) {
			return idmapWithoutUserNS(m)
		}
	}
	return nil
}

func idmapWithoutUserNS(m model.Mount) error {
	return fmt.Errorf("mount on %s: idmap maps the mount with the container's user namespace, and it has none (--userns, --uidmap): %w",
		m.Destination, errdefs.ErrInvalidArgument)
}

// checkIDMapRuntime refuses an idmapped mount on a runc older than 1.2,
// which ignores the option and would leave the container's files owned by
// its mapped IDs.
func (e *Engine) checkIDMapRuntime(ctx context.Context, cfg *model.Config) error {
	if !slices.ContainsFunc(cfg.Mounts, func(m model.Mount) bool { return slices.Contains(m.Options, optIDMap) }) {
		return nil
	}
	rt, err := e.runtimeFor(cfg.Runtime)
	if err != nil || rt.Name != "runc" {
		return err
	}
	v, err := rt.Version(ctx)
	if err != nil {
		return err
	}
	var major, minor int
	if _, err := fmt.Sscanf(v, "runc version %d.%d", &major, &minor); err == nil && (major > 1 || major == 1 && minor >= 2) {
		return nil
	}
	return fmt.Errorf("idmapped mounts: %s makes none (runc 1.2 or later does): use --runtime crun: %w",
		strings.SplitN(v, "\n", 2)[0], errdefs.ErrInvalidArgument)
}
