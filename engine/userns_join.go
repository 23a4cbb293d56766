package engine

import (
	"context"
	"fmt"
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

// joinedUserNS is the rootfs request of a container joining another's user
// namespace: that container's maps.
func (e *Engine) joinedUserNS(c *model.Container) (*image.UserNS, error) {
	id := strings.TrimPrefix(c.Config.UserNS, "container:")
	uids, gids, err := e.images.RootfsIDMaps(id)
	if err != nil {
		return nil, fmt.Errorf("--userns %s: %w", c.Config.UserNS, err)
	}
	return &image.UserNS{UIDMap: uids, GIDMap: gids}, nil
}

// userNSPath is the namespace file of the running container c joins.
func (e *Engine) userNSPath(ctx context.Context, c *model.Container) (string, error) {
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
