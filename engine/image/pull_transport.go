//go:build !hotpath

package image

import (
	"context"
	"fmt"
	"strings"

	"github.com/podunit/podunit/engine/errdefs"
	"go.podman.io/image/v5/directory"
	dockerarchive "go.podman.io/image/v5/docker/archive"
	ociarchive "go.podman.io/image/v5/oci/archive"
	ocilayout "go.podman.io/image/v5/oci/layout"
	"go.podman.io/image/v5/types"
)

// pullLocal copies the image of a local transport into the store, as podman
// does: archives as Load does (their own names), oci:DIR:NAME under NAME,
// dir:DIR and an oci layout without a name by ID alone.
func (s *Store) pullLocal(ctx context.Context, transport, rest string, o PullOptions) (*Image, error) {
	switch transport {
	case dockerarchive.Transport.Name(), ociarchive.Transport.Name():
		loaded, err := s.Load(ctx, rest, o.Progress)
		if err != nil {
			return nil, err
		}
		return s.Resolve(ctx, loaded[0])
	case ocilayout.Transport.Name():
		return s.pullRef(ctx, ocilayout.Transport, rest, ociLayoutName(rest), o)
	}
	return s.pullRef(ctx, directory.Transport, rest, "", o)
}

// ociLayoutName is the NAME of "DIR:NAME", "" if there is none.
func ociLayoutName(rest string) string {
	if _, name, ok := strings.Cut(rest, ":"); ok {
		return name
	}
	return ""
}

// pullRef copies transport's reference rest into the store, named name
// (normalised: "x" is localhost/x:latest) or by ID where name is "".
func (s *Store) pullRef(ctx context.Context, t types.ImageTransport, rest, name string, o PullOptions) (*Image, error) {
	ref, err := t.ParseReference(rest)
	if err != nil {
		return nil, fmt.Errorf("pulling %s:%s: %w: %w", t.Name(), rest, errdefs.ErrInvalidArgument, err)
	}
	var names []string
	if name != "" {
		full, err := NormalizeName(name)
		if err != nil {
			return nil, err
		}
		names = []string{full}
	}
	op, err := s.beginOp()
	if err != nil {
		return nil, err
	}
	defer op.end()
	id, err := s.copyImage(ctx, op, ref, names, o.Progress)
	if err != nil {
		return nil, fmt.Errorf("pulling %s:%s: %w: %w", t.Name(), rest, errdefs.ErrInvalidArgument, err)
	}
	used := id
	if len(names) > 0 {
		used = names[0]
	}
	return s.image(ctx, id, used)
}
