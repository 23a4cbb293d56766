package engine

import (
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/image"
	"github.com/podunit/podunit/engine/model"
)

// resolveUserNSContainer records --userns container:REF by the other
// container's ID; it must have a user namespace of its own to share.
func (e *Engine) resolveUserNSContainer(ctx context.Context, c *model.Container) error {
	ref, ok := strings.CutPrefix(c.Config.UserNS, "container:")
	if !ok {
		return nil
	}
	t, err := e.store.Container(ctx, ref)
	if err != nil {
		return fmt.Errorf("--userns %s: %w", c.Config.UserNS, err)
	}
	if !t.Config.UserNSConfig.NewUserNS() || strings.HasPrefix(t.Config.UserNS, "container:") {
		return fmt.Errorf("--userns %s: container %q has no user namespace of its own: %w", c.Config.UserNS, t.Name, errdefs.ErrInvalidArgument)
	}
	c.Config.UserNS = "container:" + t.ID
	return nil
}

// joinedUserNS is the rootfs request of a container joining another user
// namespace: that container's maps, or the maps of the namespace at a path.
func (e *Engine) joinedUserNS(c *model.Container) (*image.UserNS, error) {
	if path, ok := strings.CutPrefix(c.Config.UserNS, "ns:"); ok {
		return nsUserMaps(path)
	}
	id := strings.TrimPrefix(c.Config.UserNS, "container:")
	uids, gids, err := e.images.RootfsIDMaps(id)
	if err != nil {
		return nil, fmt.Errorf("--userns %s: %w", c.Config.UserNS, err)
	}
	return &image.UserNS{UIDMap: uids, GIDMap: gids}, nil
}

// userNSPath is the namespace file c joins: --userns ns:PATH, or the one of
// the running container of --userns container:ID.
func (e *Engine) userNSPath(ctx context.Context, c *model.Container) (string, error) {
	if path, ok := strings.CutPrefix(c.Config.UserNS, "ns:"); ok {
		return path, nil
	}
	id, ok := strings.CutPrefix(c.Config.UserNS, "container:")
	if !ok {
		return "", nil
	}
	t, err := e.store.Container(ctx, id)
	if err != nil {
		return "", fmt.Errorf("--userns %s: %w", c.Config.UserNS, err)
	}
	if t.State.Status != model.Running || t.State.Pid == 0 {
		return "", fmt.Errorf("--userns container:%s: it is not running: %w", t.Name, errdefs.ErrConflict)
	}
	return "/proc/" + strconv.Itoa(t.State.Pid) + "/ns/user", nil
}

// nsUserMaps reads the maps of the user namespace at path: a process
// entered into it (nsenter) prints its own.
func nsUserMaps(path string) (*image.UserNS, error) {
	var ns image.UserNS
	for _, m := range []struct {
		file string
		out  *[]image.IDMap
	}{{"uid_map", &ns.UIDMap}, {"gid_map", &ns.GIDMap}} {
		out, err := exec.Command("nsenter", "--user="+path, "--", "cat", "/proc/self/"+m.file).Output()
		if err != nil {
			return nil, fmt.Errorf("--userns ns:%s: not a user namespace podunit can enter: %w: %w", path, errdefs.ErrInvalidArgument, err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			var r image.IDMap
			if _, err := fmt.Sscan(line, &r.ContainerID, &r.HostID, &r.Size); err != nil {
				return nil, fmt.Errorf("--userns ns:%s: reading its %s: %w", path, m.file, err)
			}
			*m.out = append(*m.out, r)
		}
	}
	return &ns, nil
}
