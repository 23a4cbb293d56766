package engine

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/user"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
)

// hostUser looks up a --hostuser (a name or a UID) on this host.
func hostUser(ref string) (*user.User, error) {
	u, err := user.Lookup(ref)
	if err != nil {
		u, err = user.LookupId(ref)
	}
	if err != nil {
		return nil, fmt.Errorf("--hostuser %q: no such user on this host: %w", ref, errdefs.ErrInvalidArgument)
	}
	return u, nil
}

// passwdLine is u as an /etc/passwd line, as Podman writes it.
func passwdLine(u *user.User) string {
	return fmt.Sprintf("%s:*:%s:%s:%s:%s:/bin/sh\n", u.Username, u.Uid, u.Gid, strings.ReplaceAll(u.Name, ":", " "), u.HomeDir)
}

// addHostUsers appends the --hostuser accounts that the container's
// /etc/passwd (inside rootfs, symlinks resolved within it) lacks, so that
// -u NAME and the container's own lookups find them. A second start finds
// them there and adds nothing.
func addHostUsers(c *model.Container, rootfs string) error {
	if len(c.Config.HostUsers) == 0 {
		return nil
	}
	path, err := securejoin.SecureJoin(rootfs, "/etc/passwd")
	if err != nil {
		return fmt.Errorf("container %q: /etc/passwd: %w", c.Name, err)
	}
	have, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("container %q: %w", c.Name, err)
	}
	var add strings.Builder
	if len(have) > 0 && !bytes.HasSuffix(have, []byte("\n")) {
		add.WriteString("\n")
	}
	for _, ref := range c.Config.HostUsers {
		u, err := hostUser(ref)
		if err != nil {
			return fmt.Errorf("container %q: %w", c.Name, err)
		}
		if !hasPasswdEntry(have, u.Username) {
			add.WriteString(passwdLine(u))
		}
	}
	if strings.TrimSpace(add.String()) == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("container %q: --hostuser: %w", c.Name, err)
	}
	if _, err := f.WriteString(add.String()); err != nil {
		f.Close()
		return fmt.Errorf("container %q: --hostuser: %w", c.Name, err)
	}
	return f.Close()
}

// hasPasswdEntry reports whether passwd has a line for name.
func hasPasswdEntry(passwd []byte, name string) bool {
	sc := bufio.NewScanner(bytes.NewReader(passwd))
	for sc.Scan() {
		if n, _, _ := strings.Cut(sc.Text(), ":"); n == name {
			return true
		}
	}
	return false
}
