package image

import (
	"errors"
	"fmt"
	"strings"

	digest "github.com/opencontainers/go-digest"
)

// An image reference ("docker.io/library/busybox:1.36@sha256:…") parsed by
// hand, as go.podman.io/image's docker/reference parses it (FuzzReference
// holds the two to the same answers, errors included). That package builds
// a dozen regular expressions when a process starts, whether it parses a
// name or not: about 0.5 ms, a fifth of the package initialization of every
// podunit process; the hot-path binary so links none of containers/image.
// The transfers (pull, push, login: the full binary's) parse with
// docker/reference where containers/image's calls want its types.

// ref is a parsed reference: a repository, and a tag, a digest, both or
// neither.
type ref struct {
	domain string // "" only where the first component is no registry and none was added
	path   string // the repository's components after the domain
	tag    string
	digest digest.Digest
}

// maxNameLen is the longest repository name (domain and path) accepted.
const maxNameLen = 255

// The errors of a name that does not parse, worded as docker/reference words them.
var (
	errRefFormat    = errors.New("invalid reference format")
	errRefUppercase = errors.New("repository name must be lowercase")
	errRefEmpty     = errors.New("repository name must have at least one component")
	errRefTooLong   = fmt.Errorf("repository name must not be more than %d characters", maxNameLen)
	// parseNormalized's, where the repository before any tag has uppercase letters
	errRemoteUppercase = fmt.Errorf("%w: %w", errRefFormat, errRefUppercase)
)

// Name is the repository: domain and path.
func (r ref) Name() string {
	if r.domain == "" {
		return r.path
	}
	return r.domain + "/" + r.path
}

// String is the whole reference.
func (r ref) String() string {
	s := r.Name()
	if r.tag != "" {
		s += ":" + r.tag
	}
	if r.digest != "" {
		s += "@" + string(r.digest)
	}
	return s
}

// nameOnly reports whether r has neither tag nor digest.
func (r ref) nameOnly() bool { return r.tag == "" && r.digest == "" }

// withDefaultTag is r's string with the default tag added to a bare name
// ("localhost/bb" → "localhost/bb:latest").
func (r ref) withDefaultTag() string {
	if r.nameOnly() {
		return r.String() + ":" + defaultTag
	}
	return r.String()
}

// parseNormalized parses s as docker/reference's ParseNormalizedNamed does:
// a name without a registry is Docker Hub's ("busybox" →
// "docker.io/library/busybox"), and a repository must be lowercase.
func parseNormalized(s string) (ref, error) {
	if len(s) == 64 && isHex(s) {
		return ref{}, fmt.Errorf("invalid repository name (%s), cannot specify 64-byte hexadecimal strings", s)
	}
	domain, rest := splitDomain(s)
	remote, _, _ := strings.Cut(rest, ":")
	if strings.ToLower(remote) != remote {
		return ref{}, errRemoteUppercase
	}
	return parseRef(domain + "/" + rest)
}

// splitDomain splits off the registry of s, Docker Hub's where it names
// none (hasDomain), with Docker Hub's "library/" for a one-component path.
func splitDomain(s string) (domain, rest string) {
	domain, rest = "docker.io", s
	if hasDomain(s) {
		domain, rest, _ = strings.Cut(s, "/")
	}
	if domain == "index.docker.io" {
		domain = "docker.io"
	}
	if domain == "docker.io" && !strings.Contains(rest, "/") {
		rest = "library/" + rest
	}
	return domain, rest
}

// parseRef parses s as docker/reference's Parse does: no registry is added,
// and a first component that can be one is the registry.
func parseRef(s string) (ref, error) {
	if s == "" {
		return ref{}, errRefEmpty
	}
	r, dig, ok := splitRef(s)
	if !ok {
		if _, _, ok := splitRef(strings.ToLower(s)); ok {
			return ref{}, errRefUppercase
		}
		return ref{}, errRefFormat
	}
	if len(r.Name()) > maxNameLen {
		return ref{}, errRefTooLong
	}
	if dig != "" {
		d, err := digest.Parse(dig)
		if err != nil {
			return ref{}, err
		}
		r.digest = d
	}
	return r, nil
}

// splitRef splits s into name, tag and digest by the grammar
//
//	reference := name [ ":" tag ] [ "@" digest ]
//
// and reports whether each part is well formed; the digest is returned to
// be checked against its algorithm.
func splitRef(s string) (r ref, dig string, ok bool) {
	if at := strings.IndexByte(s, '@'); at >= 0 {
		s, dig = s[:at], s[at+1:]
		if !digestForm(dig) {
			return ref{}, "", false
		}
	}
	// a ':' followed by no '/' ends the name (a port is followed by the path)
	if c := strings.LastIndexByte(s, ':'); c >= 0 && !strings.Contains(s[c+1:], "/") {
		s, r.tag = s[:c], s[c+1:]
		if !tagForm(r.tag) {
			return ref{}, "", false
		}
	}
	r.domain, r.path, ok = splitName(s)
	return r, dig, ok
}

// splitName splits a repository name into its registry and path:
//
//	name := [ domain "/" ] component { "/" component }
//
// The first of two or more components is the domain where it can be one.
func splitName(s string) (domain, path string, ok bool) {
	first, rest, more := strings.Cut(s, "/")
	if more && domainForm(first) && pathForm(rest) {
		return first, rest, true
	}
	return "", s, pathForm(s)
}

// pathForm reports whether s is components separated by "/".
func pathForm(s string) bool {
	for {
		c, rest, more := strings.Cut(s, "/")
		if !componentForm(c) {
			return false
		}
		if !more {
			return true
		}
		s = rest
	}
}

// componentForm reports whether s is a path component: runs of [a-z0-9]
// joined by ".", "_", "__" or any number of "-".
func componentForm(s string) bool {
	i := 0
	for {
		j := i
		for j < len(s) && (isLowerAlnum(s[j])) {
			j++
		}
		if j == i {
			return false // a run must follow the start and each separator
		}
		if j == len(s) {
			return true
		}
		k := j
		for k < len(s) && !isLowerAlnum(s[k]) {
			k++
		}
		switch sep := s[j:k]; {
		case sep == "." || sep == "_" || sep == "__":
		case strings.Trim(sep, "-") == "":
		default:
			return false
		}
		i = k
	}
}

// domainForm reports whether s is a registry: labels of [a-zA-Z0-9-]
// joined by ".", each starting and ending with a letter or digit, and an
// optional ":" and port number.
func domainForm(s string) bool {
	if c := strings.LastIndexByte(s, ':'); c >= 0 {
		port := s[c+1:]
		if port == "" || strings.Trim(port, "0123456789") != "" {
			return false
		}
		s = s[:c]
	}
	for {
		label, rest, more := strings.Cut(s, ".")
		if label == "" || !isAlnum(label[0]) || !isAlnum(label[len(label)-1]) {
			return false
		}
		for i := 0; i < len(label); i++ {
			if !isAlnum(label[i]) && label[i] != '-' {
				return false
			}
		}
		if !more {
			return true
		}
		s = rest
	}
}

// tagForm reports whether s is a tag: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}.
func tagForm(s string) bool {
	if s == "" || len(s) > 128 || s[0] == '.' || s[0] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) && s[i] != '_' && s[i] != '.' && s[i] != '-' {
			return false
		}
	}
	return true
}

// digestForm reports whether s looks like a digest, "algorithm:hex": an
// algorithm of letter-led runs of letters and digits joined by one of
// "-_+.", and 32 or more hex digits of either case. Whether the algorithm
// is known and the hex its length is digest.Parse's to say.
func digestForm(s string) bool {
	alg, hex, ok := strings.Cut(s, ":")
	if !ok || len(hex) < 32 || strings.Trim(hex, "0123456789abcdefABCDEF") != "" {
		return false
	}
	for {
		i := strings.IndexAny(alg, "-_+.")
		part := alg
		if i >= 0 {
			part = alg[:i]
		}
		if part == "" || !isLetter(part[0]) {
			return false
		}
		for j := 0; j < len(part); j++ {
			if !isAlnum(part[j]) {
				return false
			}
		}
		if i < 0 {
			return true
		}
		alg = alg[i+1:]
	}
}

func isLowerAlnum(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }
func isLetter(c byte) bool     { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isAlnum(c byte) bool      { return isLetter(c) || '0' <= c && c <= '9' }
