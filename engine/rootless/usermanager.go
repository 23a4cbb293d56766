package rootless

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/podunit/podunit/engine/errdefs"
)

// UserManager checks that the calling user's systemd manager can take a
// unit for what: $XDG_RUNTIME_DIR (runtimeDir) is set and the manager's
// private socket is in it.
func UserManager(what, runtimeDir string, uid int) error {
	if runtimeDir == "" {
		return fmt.Errorf("%s as a rootless user needs the user's systemd manager, and $XDG_RUNTIME_DIR is not set: "+
			"log in through a session that starts one (pam_systemd), or have root run `loginctl enable-linger` "+
			"for uid %d and set XDG_RUNTIME_DIR=/run/user/%d; or run the container attached: %w",
			what, uid, uid, errdefs.ErrUnavailable)
	}
	sock := filepath.Join(runtimeDir, "systemd", "private")
	if _, err := os.Stat(sock); err != nil {
		return fmt.Errorf("%s as a rootless user needs the user's systemd manager, and none runs for uid %d "+
			"(%s is missing): have root run `loginctl enable-linger` for the user, or run the container attached: %w",
			what, uid, sock, errdefs.ErrUnavailable)
	}
	return nil
}
