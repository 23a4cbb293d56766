package cliflags

import (
	"fmt"
	"slices"
	"strings"
)

// mountAliases maps Podman's alternative --mount keys to one name each.
var mountAliases = map[string]string{"src": "source", "dst": "target", "destination": "target", "readonly": "ro"}

// mountKeys are the keys each --mount type takes, Podman's.
var mountKeys = map[string][]string{
	"bind":   {"type", "source", "target", "ro", "rw", "bind-propagation", "bind-nonrecursive", "relabel", "z", "Z", "U", "idmap"},
	"volume": {"type", "source", "target", "ro", "rw", "volume-nocopy", "relabel", "z", "Z", "U", "idmap", "subpath"},
	"tmpfs":  {"type", "target", "ro", "rw", "tmpfs-size", "tmpfs-mode"},
	"image":  {"type", "source", "target", "ro", "rw"},
	"devpts": {"type", "target", "uid", "gid", "mode", "max"},
	"ramfs":  {"type", "target", "ro", "rw", "tmpfs-mode"},
	"glob":   {"type", "source", "target", "ro", "rw", "bind-propagation", "bind-nonrecursive", "relabel", "z", "Z", "U"},
}

// MountFields splits a --mount value into its keys, aliases resolved (a
// key without a value is "true"), and checks that the type is one podunit
// has and every key one that type takes, so the generator refuses a bad
// Mount= as the CLI refuses a bad --mount.
func MountFields(s string) (map[string]string, error) {
	kv := map[string]string{}
	for _, f := range strings.Split(s, ",") {
		k, v, hasValue := strings.Cut(f, "=")
		if a, ok := mountAliases[k]; ok {
			k = a
		}
		if !hasValue {
			v = "true"
		}
		if _, dup := kv[k]; dup {
			return nil, fmt.Errorf("%s given twice", k)
		}
		kv[k] = v
	}
	keys, ok := mountKeys[kv["type"]]
	if !ok {
		return nil, fmt.Errorf("type must be bind, volume, tmpfs, image, devpts, ramfs or glob")
	}
	for k := range kv {
		if !slices.Contains(keys, k) {
			return nil, fmt.Errorf("unknown option %q for type=%s", k, kv["type"])
		}
	}
	return kv, nil
}
