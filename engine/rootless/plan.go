package rootless

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"strconv"

	"github.com/podunit/podunit/engine/errdefs"
)

// Host is where Prepare looks: the subordinate ID files and how to find a
// program. The zero Host is the machine's own.
type Host struct {
	SubUIDFile, SubGIDFile string                       // "": /etc/subuid, /etc/subgid
	LookPath               func(string) (string, error) // nil: exec.LookPath, then /usr/bin and /usr/sbin
}

// Plan is what re-executing in a user namespace needs.
type Plan struct {
	User                 string // the user's login name
	UID, GID             int    // the user's own IDs on the host
	UIDMap, GIDMap       []IDMap
	NewUIDMap, NewGIDMap string // paths of the setuid helpers that write the maps
}

// Prepare plans the user namespace for the user with uid and gid: their
// subordinate ranges and the helpers that map them. Each thing missing is
// an ErrUnavailable error saying what to do.
func Prepare(h Host, uid, gid int) (Plan, error) {
	h = h.withDefaults()
	p := Plan{UID: uid, GID: gid, User: strconv.Itoa(uid)}
	if u, err := user.LookupId(strconv.Itoa(uid)); err == nil {
		p.User = u.Username
	}
	uids, err := p.ranges(h.SubUIDFile, "UID")
	if err != nil {
		return p, err
	}
	gids, err := p.ranges(h.SubGIDFile, "GID")
	if err != nil {
		return p, err
	}
	p.UIDMap, p.GIDMap = Maps(uint32(uid), uids), Maps(uint32(gid), gids)
	if p.NewUIDMap, err = helper(h, "newuidmap"); err != nil {
		return p, err
	}
	p.NewGIDMap, err = helper(h, "newgidmap")
	return p, err
}

func (h Host) withDefaults() Host {
	if h.SubUIDFile == "" {
		h.SubUIDFile = "/etc/subuid"
	}
	if h.SubGIDFile == "" {
		h.SubGIDFile = "/etc/subgid"
	}
	if h.LookPath == nil {
		h.LookPath = lookPath
	}
	return h
}

// ranges reads the user's ranges of one kind and insists on one.
func (p Plan) ranges(path, kind string) ([]Range, error) {
	r, err := ReadRanges(path, p.User, p.UID)
	if err != nil {
		return nil, err
	}
	if len(r) == 0 {
		return nil, fmt.Errorf("no subordinate %s range for user %q (uid %d) in %s: rootless podunit needs one "+
			"(as root: usermod --add-subuids 100000-165535 --add-subgids 100000-165535 %s): %w",
			kind, p.User, p.UID, path, p.User, errdefs.ErrUnavailable)
	}
	return r, nil
}

func helper(h Host, name string) (string, error) {
	path, err := h.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("%s not found: rootless podunit needs newuidmap and newgidmap to map the "+
			"subordinate IDs (Debian, Ubuntu: apt-get install uidmap; Fedora: dnf install shadow-utils): %w",
			name, errdefs.ErrUnavailable)
	}
	return path, nil
}

// lookPath finds a program in $PATH, then where distributions put the
// ID-mapping helpers (a user's $PATH may lack the sbin directories).
func lookPath(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, dir := range []string{"/usr/bin", "/usr/sbin", "/bin", "/sbin"} {
		p := dir + "/" + name
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", exec.ErrNotFound
}
