package unitfile

import (
	"fmt"
	"path"
	"strings"
)

// LoadCredential is the value of LoadCredential=ID:PATH. systemd takes
// the path as the rest of the line, expanding specifiers but neither
// unquoting nor unescaping it, so a path must be absolute and free of
// white space, quotes, backslashes and control characters; a literal
// path (from the CLI, the store or a default) has its % doubled, a systemd
// value (spec) keeps its specifiers.
func LoadCredential(id, p string, spec bool) (string, error) {
	if id == "" || strings.ContainsAny(id, ":/") || !plain(id) {
		return "", fmt.Errorf("credential ID %q: want a plain name without : or /", id)
	}
	if !plain(p) || !(path.IsAbs(p) || spec && strings.HasPrefix(p, "%")) {
		return "", fmt.Errorf("credential %s: path %q must be absolute, without white space, quotes, backslashes or control characters", id, p)
	}
	if !spec {
		p = strings.ReplaceAll(p, "%", "%%")
	}
	return id + ":" + p, nil
}

// plain reports whether s has no white space, quote, backslash or
// control character.
func plain(s string) bool {
	for _, r := range s {
		if r <= ' ' || r == 0x7f || r == '"' || r == '\'' || r == '\\' {
			return false
		}
	}
	return true
}
