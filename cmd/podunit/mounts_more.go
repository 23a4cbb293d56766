package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/podunit/podunit/engine/model"
)

// mountOfType makes a --mount of any type but tmpfs from its fields.
func mountOfType(s string, kv map[string]string) (model.Mount, error) {
	switch kv["type"] {
	case model.MountImage:
		if kv["source"] == "" {
			return model.Mount{}, fmt.Errorf("--mount %q: source (src), the image, is required for type=image", s)
		}
		// read-only unless rw=true, which writes to an overlay the stop throws away
		rw := kv["rw"] == "true" || kv["ro"] == "false"
		return model.Mount{Type: model.MountImage, Source: kv["source"], Destination: kv["target"], ReadOnly: !rw}, nil
	case model.MountDevpts:
		return devptsMount(s, kv)
	case model.MountRamfs:
		return ramfsMount(s, kv)
	}
	m, err := mountFromFields(s, kv)
	if err != nil {
		return m, err
	}
	if kv["idmap"] == "true" {
		m.Options = append(m.Options, "idmap") // the engine checks for a user namespace
	}
	if kv["U"] == "true" {
		m.Options = append(m.Options, "U")
	}
	return m, nil
}

// devptsMount makes a new pseudo-terminal instance: uid=, gid=, mode= and
// max= are devpts's own options.
func devptsMount(s string, kv map[string]string) (model.Mount, error) {
	m := model.Mount{Type: model.MountDevpts, Destination: kv["target"]}
	for _, k := range []string{"uid", "gid", "max"} {
		if v, ok := kv[k]; ok {
			if _, err := strconv.ParseUint(v, 10, 32); err != nil {
				return m, fmt.Errorf("--mount %q: %s=%s: want a number", s, k, v)
			}
			m.Options = append(m.Options, k+"="+v)
		}
	}
	if v, ok := kv["mode"]; ok {
		if !isOctal(v) {
			return m, fmt.Errorf("--mount %q: mode=%s: want an octal mode", s, v)
		}
		m.Options = append(m.Options, "mode="+v)
	}
	return m, nil
}

// ramfsMount makes a RAM file system; tmpfs-mode= sets its mode.
func ramfsMount(s string, kv map[string]string) (model.Mount, error) {
	m := model.Mount{Type: model.MountRamfs, Destination: kv["target"], ReadOnly: kv["ro"] == "true" || kv["rw"] == "false"}
	if v, ok := kv["tmpfs-mode"]; ok {
		if !isOctal(v) {
			return m, fmt.Errorf("--mount %q: tmpfs-mode=%s: want an octal mode", s, v)
		}
		m.Options = append(m.Options, "mode="+v)
	}
	return m, nil
}

func isOctal(s string) bool {
	return s != "" && strings.Trim(s, "01234567") == ""
}
