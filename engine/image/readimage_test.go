package image

import (
	"context"
	"reflect"
	"strings"
	"testing"

	digest "github.com/opencontainers/go-digest"
	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"go.podman.io/storage"
)

// readBoth reads image id with readImage and with containers/image
// (readImageOther) and fails the test where they differ.
func readBoth(t *testing.T, s *Store, id string) (string, error) {
	t.Helper()
	ctx := context.Background()
	cfg, mt, hc, err := s.readImage(ctx, id)
	wcfg, wmt, whc, werr := s.readImageOther(ctx, id)
	if (err == nil) != (werr == nil) {
		t.Fatalf("image %s: readImage error %v, containers/image's %v", id, err, werr)
	}
	if err != nil {
		return "", err
	}
	if !reflect.DeepEqual(cfg, wcfg) || mt != wmt || !reflect.DeepEqual(hc, whc) {
		t.Fatalf("image %s: readImage %+v %q %+v, containers/image %+v %q %+v", id, cfg, mt, hc, wcfg, wmt, whc)
	}
	return mt, nil
}

// TestReadImageAsContainersImage: what readImage reads itself (the
// manifests of a docker-archive load, an oci-archive load and an import)
// is what containers/image reads: configuration, manifest type, health check.
func TestReadImageAsContainersImage(t *testing.T) {
	s := newStore(t, "vfs")
	load(t, s, fixtures.dockerArchive)
	load(t, s, fixtures.ociArchive)
	if _, err := s.Import(context.Background(), fixtures.rootfsTar, "localhost/imported"); err != nil {
		t.Fatal(err)
	}
	imgs, err := s.store.Images()
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, img := range imgs {
		m, err := s.store.ImageBigData(img.ID, storage.ImageDigestBigDataKey)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, ok := singleManifest(m); !ok {
			t.Errorf("image %s: readImage leaves its manifest to containers/image: %s", img.Names, m)
		}
		mt, err := readBoth(t, s, img.ID)
		if err != nil {
			t.Fatal(err)
		}
		kinds[mt]++
	}
	if kinds[dockerManifestType] == 0 || kinds[imgspecv1.MediaTypeImageManifest] == 0 {
		t.Errorf("manifest kinds read: %v; want Docker schema 2 and OCI", kinds)
	}
}

// TestReadImageChecksItsInputs: a configuration that is not what the
// manifest names fails the read, and a manifest readImage does not read
// itself gets containers/image's answer.
func TestReadImageChecksItsInputs(t *testing.T) {
	s := newStore(t, "vfs")
	load(t, s, fixtures.ociArchive)
	imgs, err := s.store.Images()
	if err != nil || len(imgs) != 1 {
		t.Fatal(imgs, err)
	}
	id := imgs[0].ID
	m, err := s.store.ImageBigData(id, storage.ImageDigestBigDataKey)
	if err != nil {
		t.Fatal(err)
	}
	_, config, _ := singleManifest(m)
	blob, err := s.store.ImageBigData(id, config.String())
	if err != nil {
		t.Fatal(err)
	}
	set := func(key string, data []byte) {
		t.Helper()
		if err := s.store.SetImageBigData(id, key, data, func(b []byte) (digest.Digest, error) { return digest.FromBytes(b), nil }); err != nil {
			t.Fatal(err)
		}
	}
	set(config.String(), []byte(strings.Replace(string(blob), `"architecture"`, `"architecture" `, 1)))
	if _, err := readBoth(t, s, id); err == nil || !strings.Contains(err.Error(), "has the digest") {
		t.Errorf("a changed configuration: %v", err)
	}
	set(config.String(), blob)

	// an image index where the manifest was: containers/image's to read, and to refuse
	index := `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}`
	set(storage.ImageDigestBigDataKey, []byte(index))
	if _, err := readBoth(t, s, id); err == nil {
		t.Error("an empty index read as an image")
	}
	set(storage.ImageDigestBigDataKey, m)
	if _, err := readBoth(t, s, id); err != nil {
		t.Fatal(err)
	}
}

// TestSingleManifest: the manifests readImage reads itself, and the ones it
// leaves to containers/image.
func TestSingleManifest(t *testing.T) {
	d := digest.FromString("config")
	for _, c := range []struct {
		manifest string
		want     string // "": left to containers/image
	}{
		{`{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",` +
			`"config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"` + d.String() + `"}}`, dockerManifestType},
		{`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",` +
			`"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"` + d.String() + `"}}`, imgspecv1.MediaTypeImageManifest},
		// OCI before image-spec 1.0.2: no media type of its own
		{`{"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"` + d.String() + `"}}`,
			imgspecv1.MediaTypeImageManifest},
		// an artifact: its configuration is no image's
		{`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",` +
			`"config":{"mediaType":"application/vnd.example+json","digest":"` + d.String() + `"}}`, ""},
		{`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}`, ""},
		{`{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[]}`, ""},
		{`{"schemaVersion":1,"name":"x","tag":"latest","fsLayers":[],"history":[]}`, ""},
		{`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",` +
			`"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:1234"}}`, ""},
		{`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",` +
			`"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"` + d.String() + `"},"manifests":null}`, ""},
		{`not json`, ""},
	} {
		mt, config, ok := singleManifest([]byte(c.manifest))
		if ok != (c.want != "") || mt != c.want || ok && config != d {
			t.Errorf("%s: %q %q %t, want %q", c.manifest, mt, config, ok, c.want)
		}
	}
}

// TestSchema1Config: a schema 1 manifest's configuration, HEALTHCHECK
// included, is its newest history entry's.
func TestSchema1Config(t *testing.T) {
	m := `{"schemaVersion":1,"history":[{"v1Compatibility":"{\"id\":\"b\",\"config\":{\"Healthcheck\":{\"Test\":[\"CMD\",\"true\"]}}}"},` +
		`{"v1Compatibility":"{\"id\":\"a\"}"}]}`
	hc, err := parseHealthcheck(schema1Config([]byte(m)))
	if err != nil || hc == nil || !reflect.DeepEqual(hc.Test, []string{"CMD", "true"}) {
		t.Errorf("healthcheck %+v, %v", hc, err)
	}
	for _, bad := range []string{`{"schemaVersion":1}`, `not json`} {
		if hc, err := parseHealthcheck(schema1Config([]byte(bad))); hc != nil || err != nil {
			t.Errorf("%s: %+v, %v", bad, hc, err)
		}
	}
}
