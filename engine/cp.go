package engine

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/podunit/podunit/engine/image"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/spec"
)

// CopyTarget is one side of `cp`: a path in a container, or on the host
// when Container is "".
type CopyTarget struct {
	Container, Path string
}

// CopyOptions are cp's flags.
type CopyOptions struct {
	// Archive gives what lands in a container its primary user's UID and
	// GID (Podman's default); false keeps the owners the source had.
	Archive   bool
	Overwrite bool // a directory may replace a file and the other way round
}

// copyEnd is a resolved side: where its tree is and how to let it go.
type copyEnd struct {
	image.CopyEnd
	c       *model.Container
	release func()
}

// Copy copies src to dst with cp's rules. A running container is reached
// through its init's root (/proc/PID/root: its volumes and tmpfs too); a
// stopped one through its mounted rootfs.
func (e *Engine) Copy(ctx context.Context, src, dst CopyTarget, o CopyOptions) error {
	s, release, err := e.copySource(ctx, src)
	if err != nil {
		return err
	}
	defer release()
	to, opts, err := e.copyDest(ctx, dst, o)
	if err != nil {
		return err
	}
	defer to.release()
	return image.Copy(s, to.CopyEnd, opts)
}

// CopyOut writes src as a tar stream to w (cp CONTAINER:PATH -).
func (e *Engine) CopyOut(ctx context.Context, src CopyTarget, w io.Writer) error {
	s, release, err := e.copySource(ctx, src)
	if err != nil {
		return err
	}
	defer release()
	r, err := s.Tar("")
	if err != nil {
		return err
	}
	defer r.Close()
	if _, err := io.Copy(w, r); err != nil {
		return fmt.Errorf("copying %s: %w", src.Path, err)
	}
	return nil
}

// CopyIn extracts the tar stream r into the directory dst (cp - CONTAINER:DIR).
func (e *Engine) CopyIn(ctx context.Context, r io.Reader, dst CopyTarget, o CopyOptions) error {
	to, opts, err := e.copyDest(ctx, dst, o)
	if err != nil {
		return err
	}
	defer to.release()
	return image.Untar(r, to.CopyEnd, opts)
}

// copyDest finds the destination of a copy and its options; the caller
// runs its release.
func (e *Engine) copyDest(ctx context.Context, t CopyTarget, o CopyOptions) (*copyEnd, image.CopyOptions, error) {
	to, err := e.copyEnd(ctx, t)
	if err != nil {
		return nil, image.CopyOptions{}, err
	}
	opts, err := to.options(o)
	if err != nil {
		to.release()
		return nil, image.CopyOptions{}, err
	}
	return to, opts, nil
}

// copySource finds the source of a copy; the caller runs release.
func (e *Engine) copySource(ctx context.Context, t CopyTarget) (*image.CopySource, func(), error) {
	from, err := e.copyEnd(ctx, t)
	if err != nil {
		return nil, nil, err
	}
	s, err := image.ResolveSource(from.CopyEnd)
	if err != nil {
		from.release()
		return nil, nil, err
	}
	return s, from.release, nil
}

// copyEnd finds where t's path lives.
func (e *Engine) copyEnd(ctx context.Context, t CopyTarget) (*copyEnd, error) {
	if t.Container == "" {
		p, err := absolute(t.Path)
		if err != nil {
			return nil, err
		}
		return &copyEnd{CopyEnd: image.CopyEnd{Root: "/", Path: p, What: "host"}, release: func() {}}, nil
	}
	c, err := e.container(ctx, t.Container)
	if err != nil {
		return nil, err
	}
	end := &copyEnd{CopyEnd: image.CopyEnd{Path: t.Path, What: "container " + c.Name}, c: c, release: func() {}}
	if c.State.Status == model.Running {
		end.Root = "/proc/" + strconv.Itoa(c.State.Pid) + "/root"
		return end, e.rootlessHere(c)
	}
	if end.Root, err = e.mountRootfs(c); err != nil {
		return nil, err
	}
	end.release = func() { _ = e.unmountRootfs(c) }
	return end, nil
}

// options turns cp's flags into the copy's for this destination.
func (end *copyEnd) options(o CopyOptions) (image.CopyOptions, error) {
	out := image.CopyOptions{Overwrite: o.Overwrite}
	if end.c == nil || !o.Archive {
		return out, nil
	}
	owner := [2]int{0, 0}
	if end.c.Config.User != "" {
		u, err := spec.ResolveUser(end.Root, end.c.Config.User)
		if err != nil {
			return out, err
		}
		owner = [2]int{int(u.UID), int(u.GID)}
	}
	out.Owner = &owner
	return out, nil
}

// absolute makes a host path absolute, keeping the trailing "/" or "/."
// that cp's rules read.
func absolute(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", fmt.Errorf("host path %q: %w", p, err)
	}
	switch {
	case strings.HasSuffix(p, "/.") || p == ".":
		abs += "/."
	case strings.HasSuffix(p, "/") && abs != "/":
		abs += "/"
	}
	return abs, nil
}
