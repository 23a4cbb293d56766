package image

import (
	"fmt"
	"slices"
	"strings"

	digest "github.com/opencontainers/go-digest"
	"github.com/podunit/podunit/engine/errdefs"
)

// defaultDomain is the registry of names given without one, as in podman.
const defaultDomain = "localhost"

// defaultTag is the tag of names given with neither tag nor digest.
const defaultTag = "latest"

// NormalizeName turns a user's image name into the full reference podman
// would store: "bb" → "localhost/bb:latest", "bb:1" → "localhost/bb:1",
// "docker.io/busybox" → "docker.io/library/busybox:latest". Digests are
// refused: a name given here is always a tag.
func NormalizeName(name string) (string, error) {
	named, err := parseName(name)
	if err != nil {
		return "", err
	}
	if named.digest != "" {
		return "", fmt.Errorf("image name %q: a digest is not a tag: %w", name, errdefs.ErrInvalidArgument)
	}
	return named.withDefaultTag(), nil
}

// parseName parses name, adding the default domain when it has none.
func parseName(name string) (ref, error) {
	if name == "" {
		return ref{}, fmt.Errorf("empty image name: %w", errdefs.ErrInvalidArgument)
	}
	if !hasDomain(name) {
		name = defaultDomain + "/" + name
	}
	named, err := parseNormalized(name)
	if err != nil {
		return ref{}, fmt.Errorf("image name %q: %w: %w", name, errdefs.ErrInvalidArgument, err)
	}
	return named, nil
}

// hasDomain reports whether name's first component is a registry (as Docker
// decides: it contains "." or ":", or is "localhost").
func hasDomain(name string) bool {
	first, _, found := strings.Cut(name, "/")
	return found && (strings.ContainsAny(first, ".:") || first == "localhost")
}

// isHex reports whether s is a non-empty string of lowercase hex digits.
func isHex(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// shortName is the part of a name a short-name lookup compares: the
// repository path without domain, and the tag or digest.
type shortName struct {
	path, tag, digest string
}

// parseShort parses a name without a domain ("bb", "library/bb:1", "bb@sha256:…").
func parseShort(name string) (shortName, bool) {
	named, err := parseName(name)
	if err != nil || hasDomain(name) {
		return shortName{}, false
	}
	sn := shortName{path: named.path, tag: named.tag}
	switch {
	case named.digest != "":
		sn.digest, sn.tag = string(named.digest), ""
	case named.tag == "":
		sn.tag = defaultTag // as withDefaultTag
	}
	return sn, true
}

// matches reports whether the stored full name full answers to the short name:
// same tag, and a path equal to sn.path or ending in "/"+sn.path.
func (sn shortName) matches(full string) bool {
	named, err := parseNormalized(full)
	if err != nil || sn.tag == "" || named.tag != sn.tag {
		return false
	}
	return sn.pathMatches(named)
}

// matchesDigest reports whether full's repository answers to the short name
// and the image's digests hold the short name's digest.
func (sn shortName) matchesDigest(full string, digests []digest.Digest) bool {
	named, err := parseNormalized(full)
	if err != nil || !sn.pathMatches(named) {
		return false
	}
	return slices.Contains(digests, digest.Digest(sn.digest))
}

func (sn shortName) pathMatches(named ref) bool {
	p := named.path
	return p == sn.path || strings.HasSuffix(p, "/"+sn.path)
}

func namesOrID(names []string, id string) []string {
	if len(names) == 0 {
		return []string{"sha256:" + id}
	}
	return names
}
