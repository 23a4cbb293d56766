package engine

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/names"
)

// secretMountDir is where a mount secret with a relative target goes.
const secretMountDir = "/run/secrets"

// defaultSecretMode is a mounted secret's mode unless mode= says, Podman's.
const defaultSecretMode = 0o444

// ParseSecret reads --secret NAME[,type=mount|env][,target=T][,uid=N]
// [,gid=N][,mode=OCTAL], Podman's syntax: a mount's target defaults to
// /run/secrets/NAME and a relative one lands there; an env secret's
// target is the variable, NAME by default. uid, gid and mode are for
// mounts only.
func ParseSecret(s string) (model.SecretRef, error) {
	fields := strings.Split(s, ",")
	r := model.SecretRef{Name: fields[0], Type: model.SecretMount, Mode: defaultSecretMode}
	if err := names.Validate("secret", r.Name); err != nil {
		return r, fmt.Errorf("--secret %q: %w", s, err)
	}
	seen := map[string]bool{}
	for _, f := range fields[1:] {
		k, v, ok := strings.Cut(f, "=")
		if !ok || seen[k] {
			return r, fmt.Errorf("--secret %q: %q: want KEY=VALUE, each key once: %w", s, f, errdefs.ErrInvalidArgument)
		}
		seen[k] = true
		if err := setSecretField(&r, k, v); err != nil {
			return r, fmt.Errorf("--secret %q: %w", s, err)
		}
	}
	return r, finishSecret(&r, seen, s)
}

// setSecretField sets one KEY=VALUE of a --secret.
func setSecretField(r *model.SecretRef, k, v string) error {
	var err error
	switch k {
	case "type":
		if v != model.SecretMount && v != model.SecretEnv {
			return fmt.Errorf("type=%s: want mount or env: %w", v, errdefs.ErrInvalidArgument)
		}
		r.Type = v
	case "target":
		r.Target = v
	case "uid":
		r.UID, err = parseUint32(k, v, 10)
	case "gid":
		r.GID, err = parseUint32(k, v, 10)
	case "mode":
		r.Mode, err = parseUint32(k, v, 8)
		if err == nil && r.Mode > 0o777 {
			err = fmt.Errorf("mode=%s: want an octal mode up to 0777: %w", v, errdefs.ErrInvalidArgument)
		}
	default:
		err = fmt.Errorf("unknown option %q: want type, target, uid, gid or mode: %w", k, errdefs.ErrInvalidArgument)
	}
	return err
}

func parseUint32(k, v string, base int) (uint32, error) {
	n, err := strconv.ParseUint(v, base, 32)
	if err != nil {
		return 0, fmt.Errorf("%s=%s: not a number: %w", k, v, errdefs.ErrInvalidArgument)
	}
	return uint32(n), nil
}

// finishSecret checks the options against the type and fills the target.
func finishSecret(r *model.SecretRef, seen map[string]bool, s string) error {
	if r.Type == model.SecretEnv {
		if seen["uid"] || seen["gid"] || seen["mode"] {
			return fmt.Errorf("--secret %q: uid, gid and mode are for type=mount only: %w", s, errdefs.ErrInvalidArgument)
		}
		if r.Target == "" {
			r.Target = r.Name
		}
		if strings.ContainsAny(r.Target, "=\x00") {
			return fmt.Errorf("--secret %q: target=%s is no variable name: %w", s, r.Target, errdefs.ErrInvalidArgument)
		}
		r.Mode = 0
		return nil
	}
	if r.Target == "" {
		r.Target = r.Name
	}
	if !path.IsAbs(r.Target) {
		r.Target = path.Join(secretMountDir, r.Target)
	}
	if strings.ContainsRune(r.Target, 0) || path.Clean(r.Target) == "/" {
		return fmt.Errorf("--secret %q: target=%s is no file path: %w", s, r.Target, errdefs.ErrInvalidArgument)
	}
	r.Target = path.Clean(r.Target)
	return nil
}

// checkSecrets refuses, at create, secrets that do not exist and two
// secrets on one target; a secret given by ID is recorded by its name.
func (e *Engine) checkSecrets(refs []model.SecretRef) error {
	targets := map[string]bool{}
	for i := range refs {
		r := &refs[i]
		found, err := e.secretStore().Get(r.Name)
		if err != nil {
			return fmt.Errorf("--secret %s: %w", r.Name, err)
		}
		r.Name, r.ID = found.Name, found.ID
		key := r.Type + ":" + r.Target
		if targets[key] {
			return fmt.Errorf("--secret %s: two secrets on %s %s: %w", r.Name, r.Type, r.Target, errdefs.ErrInvalidArgument)
		}
		targets[key] = true
	}
	return nil
}
