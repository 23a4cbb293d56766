package testimage

import (
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Platform is one entry of a multi-platform image.
type Platform struct {
	OS, Arch, Variant string
}

// PushIndex pushes an OCI image index to ref with one busybox image per
// platform (each image's config names its platform; the content is this
// machine's busybox) and returns the image IDs (config digests, hex) in
// the order of platforms.
func PushIndex(t testing.TB, ref string, cfg Config, platforms ...Platform) []string {
	t.Helper()
	tag, err := name.NewTag(ref, name.Insecure)
	if err != nil {
		t.Fatalf("parsing %q: %v", ref, err)
	}
	p := pusher{base: "http://" + tag.RegistryStr() + "/v2/" + tag.RepositoryStr()}
	var idx v1.ImageIndex = mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	var ids []string
	for _, pl := range platforms {
		img, err := platformImage(cfg, pl)
		if err != nil {
			t.Fatal(err)
		}
		d, err := img.Digest()
		if err != nil {
			t.Fatal(err)
		}
		if err := p.push(img, d.String()); err != nil {
			t.Fatalf("pushing %s for %v: %v", ref, pl, err)
		}
		id, err := img.ConfigName()
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id.Hex)
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{
			Platform: &v1.Platform{OS: pl.OS, Architecture: pl.Arch, Variant: pl.Variant}}})
	}
	raw, err := idx.RawManifest()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.put("PUT", "/manifests/"+tag.TagStr(), string(types.OCIImageIndex), raw); err != nil {
		t.Fatalf("pushing the index %s: %v", ref, err)
	}
	return ids
}

// platformImage is Image(cfg) whose configuration names platform pl.
func platformImage(cfg Config, pl Platform) (v1.Image, error) {
	img, err := Image(cfg)
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture, cf.Variant = pl.OS, pl.Arch, pl.Variant
	return mutate.ConfigFile(img, cf)
}
