package engine

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/image"
	"github.com/podunit/podunit/engine/model"
)

// The auto-update labels, Podman's: the policy, and an auth file for the
// registry policy's checks and pulls.
const (
	AutoUpdateLabel         = "io.containers.autoupdate"
	AutoUpdateAuthfileLabel = "io.containers.autoupdate.authfile"
)

// The auto-update policies. "image" is the registry policy's old name;
// "" and "disabled" mean none.
const (
	PolicyRegistry = "registry"
	PolicyLocal    = "local"
	PolicyDisabled = "disabled"
)

// The UPDATED column: what auto-update did to a container.
const (
	UpdatedTrue       = "true"        // it runs the new image
	UpdatedFalse      = "false"       // its image is current
	UpdatedPending    = "pending"     // --dry-run: an update is there
	UpdatedRolledBack = "rolled back" // the new image did not come up; the old one runs again
	UpdatedFailed     = "failed"      // the check, the pull or the rollback failed
)

// AutoUpdatePolicy is the policy labels ask for: PolicyRegistry,
// PolicyLocal or PolicyDisabled.
func AutoUpdatePolicy(labels map[string]string) (string, error) {
	switch v := labels[AutoUpdateLabel]; v {
	case "", PolicyDisabled:
		return PolicyDisabled, nil
	case PolicyRegistry, "image":
		return PolicyRegistry, nil
	case PolicyLocal:
		return PolicyLocal, nil
	default:
		return "", fmt.Errorf("label %s=%s: unknown auto-update policy: want registry, local or disabled: %w",
			AutoUpdateLabel, v, errdefs.ErrInvalidArgument)
	}
}

// validateAutoUpdate checks the auto-update label at create: a known
// policy, an image to follow, and for the registry policy a name that
// says which registry to ask.
func validateAutoUpdate(cfg *model.Config, typedImage string) error {
	policy, err := AutoUpdatePolicy(cfg.Labels)
	if err != nil || policy == PolicyDisabled {
		return err
	}
	if cfg.Rootfs != "" {
		return fmt.Errorf("label %s=%s: a --rootfs container has no image to update: %w",
			AutoUpdateLabel, cfg.Labels[AutoUpdateLabel], errdefs.ErrInvalidArgument)
	}
	if policy == PolicyRegistry {
		return image.CheckUpdatable(typedImage)
	}
	return nil
}

// AutoUpdateOptions are auto-update's flags.
type AutoUpdateOptions struct {
	DryRun   bool // only check: an update is "pending"
	Rollback bool // go back to the old image when the new one does not come up
	Registry image.RegistryOptions
	Progress io.Writer // the pulls' progress; nil: quiet
}

// AutoUpdateReport is one container's line of auto-update's output.
type AutoUpdateReport struct {
	Unit          string
	ContainerID   string
	ContainerName string
	Image         string
	Policy        string
	Updated       string // one of the Updated* values
}

// AutoUpdate updates every running unit container whose label asks for
// it: the registry policy pulls the name when the registry has another
// manifest than the one the container runs, the local policy follows a
// local image of that name with another ID. The container's unit is
// restarted and must come up (and healthy, with a check); if it does not
// and o.Rollback, the name goes back to the old image and the unit is
// restarted again. The reports are sorted by unit; the error joins what
// failed.
func (e *Engine) AutoUpdate(ctx context.Context, o AutoUpdateOptions) ([]AutoUpdateReport, error) {
	unlock, err := e.locks.Lock(ctx, "auto-update")
	if err != nil {
		return nil, err
	}
	defer unlock()
	tasks, errs := e.autoUpdateTasks(ctx)
	if len(tasks) > 0 {
		e.systemEvent("auto-update") // as Podman's, once a run has containers to check
	}
	var reports []AutoUpdateReport
	for _, t := range tasks {
		r, err := e.autoUpdateOne(ctx, t, o)
		reports, errs = append(reports, r), append(errs, err)
	}
	slices.SortFunc(reports, func(a, b AutoUpdateReport) int {
		return cmp.Or(strings.Compare(a.Unit, b.Unit), strings.Compare(a.ContainerName, b.ContainerName))
	})
	return reports, errors.Join(errs...)
}

// updateTask is one container to check, with its policy.
type updateTask struct {
	c      *model.Container
	policy string
}

// autoUpdateTasks lists the running containers with a policy: the
// registry ones first, so that a local one sees what they pulled.
func (e *Engine) autoUpdateTasks(ctx context.Context) ([]updateTask, []error) {
	all, err := e.Containers(ctx)
	if err != nil {
		return nil, []error{err}
	}
	var tasks []updateTask
	var errs []error
	for _, c := range all {
		policy, err := AutoUpdatePolicy(c.Config.Labels)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("container %q: %w", c.Name, err))
		case policy == PolicyDisabled || c.State.Status != model.Running:
		case c.State.Unit == "":
			errs = append(errs, fmt.Errorf("container %q runs outside systemd (attached): auto-update restarts units: %w",
				c.Name, errdefs.ErrInvalidArgument))
		default:
			tasks = append(tasks, updateTask{c: c, policy: policy})
		}
	}
	slices.SortStableFunc(tasks, func(a, b updateTask) int {
		return cmp.Or(strings.Compare(b.policy, a.policy), strings.Compare(a.c.Name, b.c.Name)) // registry before local
	})
	return tasks, errs
}

// autoUpdateOne checks one container and updates it unless o.DryRun.
func (e *Engine) autoUpdateOne(ctx context.Context, t updateTask, o AutoUpdateOptions) (AutoUpdateReport, error) {
	c := t.c
	r := AutoUpdateReport{Unit: c.State.Unit, ContainerID: c.ID, ContainerName: c.Name, Image: c.Image,
		Policy: t.policy, Updated: UpdatedFailed}
	need, err := e.updateAvailable(ctx, t, o)
	if err != nil {
		return r, fmt.Errorf("auto-updating container %q: %w", c.Name, err)
	}
	switch {
	case !need:
		r.Updated = UpdatedFalse
		return r, nil
	case o.DryRun:
		r.Updated = UpdatedPending
		return r, nil
	}
	if t.policy == PolicyRegistry {
		img, err := e.images.Pull(ctx, c.Image, image.PullOptions{Policy: image.PullNewer, Progress: o.Progress,
			RegistryOptions: registryFor(c, o)})
		if err != nil {
			return r, fmt.Errorf("auto-updating container %q: %w", c.Name, err)
		}
		if img.ID == c.ImageID {
			r.Updated = UpdatedFalse
			return r, nil
		}
	}
	r.Updated, err = runUpdate(e.updateSteps(ctx, c), o.Rollback)
	if err != nil {
		err = fmt.Errorf("auto-updating container %q: %w", c.Name, err)
	}
	return r, err
}

// registryFor is o's registry options with the container's own auth file
// (its authfile label), as Podman gives it precedence.
func registryFor(c *model.Container, o AutoUpdateOptions) image.RegistryOptions {
	reg := o.Registry
	if f := c.Config.Labels[AutoUpdateAuthfileLabel]; f != "" {
		reg.AuthFile = f
	}
	return reg
}

// updateAvailable asks the registry (registry policy) or the local store
// (local policy) whether the container's image name has moved on.
func (e *Engine) updateAvailable(ctx context.Context, t updateTask, o AutoUpdateOptions) (bool, error) {
	c := t.c
	if t.policy == PolicyLocal {
		img, err := e.images.Resolve(ctx, c.Image)
		if err != nil {
			return false, err
		}
		return updateNeeded(t.policy, c.ImageID, img.ID, nil, ""), nil
	}
	remote, err := e.images.RegistryDigest(ctx, c.Image, registryFor(c, o))
	if err != nil {
		return false, err
	}
	running, err := e.images.Digests(c.ImageID)
	if err != nil {
		return false, err
	}
	return updateNeeded(t.policy, c.ImageID, "", running, remote), nil
}

// updateNeeded decides whether a container's image is out of date: the
// local policy when the name's local image (localID) is another than the
// one it runs, the registry policy when the registry's manifest digest is
// none of those the running image came as.
func updateNeeded(policy, runningID, localID string, runningDigests []string, remote string) bool {
	switch policy {
	case PolicyLocal:
		return localID != "" && localID != runningID
	case PolicyRegistry:
		return remote != "" && !slices.Contains(runningDigests, remote)
	}
	return false
}

// updateSteps are the two actions of an update that touch the system.
type updateSteps struct {
	restart func() error // restart the unit and wait until it runs (and is healthy)
	retag   func() error // give the image name back to the old image
	warn    func(error)  // told why the update was rolled back
}

// runUpdate restarts onto the new image and, if that does not come up
// and rollback is asked for, goes back to the old image and restarts
// again. It returns the UPDATED value; a rollback that works is no error.
func runUpdate(s updateSteps, rollback bool) (string, error) {
	err := s.restart()
	if err == nil {
		return UpdatedTrue, nil
	}
	if !rollback {
		return UpdatedFailed, err
	}
	if terr := s.retag(); terr != nil {
		return UpdatedFailed, errors.Join(err, fmt.Errorf("rolling back: %w", terr))
	}
	if rerr := s.restart(); rerr != nil {
		return UpdatedFailed, errors.Join(err, fmt.Errorf("rolling back: %w", rerr))
	}
	s.warn(fmt.Errorf("rolled back to the image it ran before: %w", err))
	return UpdatedRolledBack, nil
}
