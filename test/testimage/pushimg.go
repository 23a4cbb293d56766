package testimage

import (
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// PushV1 pushes img as it is to ref ("127.0.0.1:PORT/repo:tag") over plain
// HTTP: an image a test built itself, a broken one say.
func PushV1(t testing.TB, ref string, img v1.Image) {
	t.Helper()
	tag, err := name.NewTag(ref, name.Insecure)
	if err != nil {
		t.Fatalf("parsing %q: %v", ref, err)
	}
	p := pusher{base: "http://" + tag.RegistryStr() + "/v2/" + tag.RepositoryStr()}
	if err := p.push(img, tag.TagStr()); err != nil {
		t.Fatalf("pushing %s: %v", ref, err)
	}
}
