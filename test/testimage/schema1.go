package testimage

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"testing"
)

// PushSchema1 pushes the busybox image with cfg to ref as an unsigned Docker
// schema 1 manifest: the kind registries served before schema 2, whose
// configuration a client rebuilds from the manifest's history. Its one
// layer is Image(cfg)'s (cfg.Files makes a second).
func PushSchema1(t testing.TB, ref string, cfg Config) {
	t.Helper()
	p, tag, img := pusherFor(t, ref, cfg)
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	type fsLayer struct {
		BlobSum string `json:"blobSum"`
	}
	type history struct {
		V1Compatibility string `json:"v1Compatibility"`
	}
	var fs []fsLayer
	var hs []history
	parent := ""
	for i, l := range layers { // schema 1 lists the layers top first
		d, err := l.Digest()
		if err != nil {
			t.Fatal(err)
		}
		rc, err := l.Compressed()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if err := p.put(http.MethodPost, "/blobs/uploads/?digest="+d.String(), "", data); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(d.String() + parent))
		id := hex.EncodeToString(sum[:])
		v1c := map[string]any{"id": id, "created": "2026-01-01T00:00:00Z"}
		if parent != "" {
			v1c["parent"] = parent
		}
		if i == len(layers)-1 { // the top layer's entry carries the configuration
			v1c["architecture"], v1c["os"], v1c["config"] = "amd64", "linux", cfg.v1()
		}
		b, err := json.Marshal(v1c)
		if err != nil {
			t.Fatal(err)
		}
		fs = append([]fsLayer{{BlobSum: d.String()}}, fs...)
		hs = append([]history{{V1Compatibility: string(b)}}, hs...)
		parent = id
	}
	m, err := json.Marshal(map[string]any{"schemaVersion": 1, "name": tag.RepositoryStr(), "tag": tag.TagStr(),
		"architecture": "amd64", "fsLayers": fs, "history": hs})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.put(http.MethodPut, "/manifests/"+tag.TagStr(), "application/vnd.docker.distribution.manifest.v1+json", m); err != nil {
		t.Fatalf("pushing %s: %v", ref, err)
	}
}
