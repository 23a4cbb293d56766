package testimage

import (
	"bytes"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// StartRegistry serves an empty in-memory registry (go-containerregistry's
// pkg/registry, plain HTTP) on 127.0.0.1 until the test ends, and returns its
// host:port.
func StartRegistry(t testing.TB) string {
	t.Helper()
	return serve(t, newRegistry())
}

// StartAuthRegistry is StartRegistry with HTTP basic authentication: every
// request without user and password gets 401.
func StartAuthRegistry(t testing.TB, user, password string) string {
	t.Helper()
	reg := newRegistry()
	return serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != user || p != password {
			w.Header().Set("WWW-Authenticate", `Basic realm="podunit-test"`)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}`)
			return
		}
		reg.ServeHTTP(w, r)
	}))
}

func newRegistry() http.Handler {
	return registry.New(registry.Logger(log.New(io.Discard, "", 0)))
}

func serve(t testing.TB, h http.Handler) string {
	srv := httptest.NewServer(h) // listens on 127.0.0.1:0
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// PushImage pushes the busybox image with cfg to ref ("127.0.0.1:PORT/repo:tag")
// over plain HTTP, and returns the image's ID (its config digest, hex).
// user and password, if given, authenticate. (A small client of its own:
// go-containerregistry's remote links docker/cli, which this module lacks.)
func PushImage(t testing.TB, ref string, cfg Config, userPassword ...string) string {
	t.Helper()
	p, tag, img := pusherFor(t, ref, cfg)
	if len(userPassword) == 2 {
		p.user, p.password = userPassword[0], userPassword[1]
	}
	if err := p.push(img, tag.TagStr()); err != nil {
		t.Fatalf("pushing %s: %v", ref, err)
	}
	id, err := img.ConfigName()
	if err != nil {
		t.Fatal(err)
	}
	return id.Hex
}

// pusherFor parses ref and makes the busybox image with cfg for it.
func pusherFor(t testing.TB, ref string, cfg Config) (pusher, name.Tag, v1.Image) {
	t.Helper()
	tag, err := name.NewTag(ref, name.Insecure)
	if err != nil {
		t.Fatalf("parsing %q: %v", ref, err)
	}
	img, err := Image(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return pusher{base: "http://" + tag.RegistryStr() + "/v2/" + tag.RepositoryStr()}, tag, img
}

// pusher uploads an image to one repository.
type pusher struct {
	base           string // http://host:port/v2/repo
	user, password string
}

func (p pusher) push(img v1.Image, tag string) error {
	layers, err := img.Layers()
	if err != nil {
		return err
	}
	for _, l := range layers {
		d, err := l.Digest()
		if err != nil {
			return err
		}
		rc, err := l.Compressed()
		if err != nil {
			return err
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return err
		}
		if err := p.put(http.MethodPost, "/blobs/uploads/?digest="+d.String(), "", data); err != nil {
			return err
		}
	}
	cfgName, err := img.ConfigName()
	if err != nil {
		return err
	}
	cfg, err := img.RawConfigFile()
	if err != nil {
		return err
	}
	if err := p.put(http.MethodPost, "/blobs/uploads/?digest="+cfgName.String(), "", cfg); err != nil {
		return err
	}
	mt, err := img.MediaType()
	if err != nil {
		return err
	}
	manifest, err := img.RawManifest()
	if err != nil {
		return err
	}
	return p.put(http.MethodPut, "/manifests/"+tag, string(mt), manifest)
}

func (p pusher) put(method, path, contentType string, body []byte) error {
	req, err := http.NewRequest(method, p.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	req.Header.Set("Content-Type", contentType)
	if p.user != "" {
		req.SetBasicAuth(p.user, p.password)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		msg, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, msg)
	}
	return nil
}

// StartTLSRegistry serves one in-memory registry twice on 127.0.0.1: over
// plain HTTP (for PushImage) and over HTTPS with a certificate for
// 127.0.0.1 that no system trusts. It returns both host:ports and the
// certificate (PEM), which a client must be given to pull over HTTPS.
func StartTLSRegistry(t testing.TB) (plain, secure string, certPEM []byte) {
	t.Helper()
	reg := newRegistry()
	plain = serve(t, reg)
	srv := httptest.NewTLSServer(reg)
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	return plain, u.Host, certPEM
}
