package e2e

import (
	"path/filepath"
	"testing"

	"github.com/podunit/podunit/test/testimage"
)

// TestPullNamesTheBadLayer: a registry image whose layer has a hard link to
// no earlier entry fails to pull with an error that names the image, the
// layer and the entry, where containers/storage's own names none of them.
func TestPullNamesTheBadLayer(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	r := newRegistrySetup(t, e.dir)
	layer := filepath.Join(e.dir, "hardlink.tar")
	if err := writeHardlinkTar(layer); err != nil {
		t.Fatal(err)
	}
	img, err := oneLayerImage(layer)
	if err != nil {
		t.Fatal(err)
	}
	digest, err := img.Layers()
	if err != nil || len(digest) != 1 {
		t.Fatalf("layers: %v", err)
	}
	d, err := digest[0].Digest()
	if err != nil {
		t.Fatal(err)
	}
	testimage.PushV1(t, r.host+"/badlayer:1", img)
	r.failReg(e, []string{"pull", "--policy", "always", r.host + "/badlayer:1"},
		r.host+"/badlayer:1", "layer "+d.String(), `entry "bin/evil" is a hard link to "no/such/target"`, "invalid argument")
	if out := e.must("images", "-q"); out != "" {
		t.Errorf("a failed pull left images: %q", out)
	}
}
