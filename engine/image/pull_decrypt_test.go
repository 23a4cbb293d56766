package image

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"strings"
	"testing"

	encconfig "github.com/containers/ocicrypt/config"
	"go.podman.io/image/v5/copy"
	"go.podman.io/image/v5/docker"
	"go.podman.io/image/v5/oci/archive"
	"go.podman.io/image/v5/signature"
	"go.podman.io/image/v5/types"

	"github.com/podunit/podunit/engine/errdefs"
)

// pushEncrypted copies the OCI fixture to ref on the test registry with
// every layer encrypted (JWE) for a new RSA key, and returns the private
// key's PEM file.
func pushEncrypted(t *testing.T, ref string) string {
	t.Helper()
	pubFile, privFile := rsaKeyPair(t)
	pub, err := os.ReadFile(pubFile)
	if err != nil {
		t.Fatal(err)
	}
	cc, err := encconfig.EncryptWithJwe([][]byte{pub})
	if err != nil {
		t.Fatal(err)
	}
	src, err := archive.ParseReference(fixtures.ociArchive + ":localhost/busybox:oci")
	if err != nil {
		t.Fatal(err)
	}
	dest, err := docker.ParseReference("//" + ref)
	if err != nil {
		t.Fatal(err)
	}
	pc, err := signature.NewPolicyContext(&signature.Policy{Default: signature.PolicyRequirements{signature.NewPRInsecureAcceptAnything()}})
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Destroy()
	sys := &types.SystemContext{DockerInsecureSkipTLSVerify: types.OptionalBoolTrue}
	_, err = copy.Image(ctx, pc, dest, src, &copy.Options{SourceCtx: sys, DestinationCtx: sys,
		OciEncryptLayers: &[]int{}, OciEncryptConfig: cc.EncryptConfig})
	if err != nil {
		t.Fatalf("pushing an encrypted image: %v", err)
	}
	return privFile
}

// rsaKeyPair writes a new RSA key pair as PEM files: the public key and
// the private one.
func rsaKeyPair(t *testing.T) (string, string) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	priv := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	return writeFile(t, dir, "pub.pem", string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}))),
		writeFile(t, dir, "key.pem", string(priv))
}

// TestPullDecryptionKey pulls an image whose layers are encrypted: without
// the key it fails, a missing key file is an invalid argument, and with
// --decryption-key's key the layers arrive decrypted (the image reads).
func TestPullDecryptionKey(t *testing.T) {
	rf := startRegistry(t)
	name := rf.host + "/podunit/enc:1"
	keyFile := pushEncrypted(t, name)
	s := newStore(t, "vfs")
	if _, err := rf.pull(s, name, ""); !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), "--decryption-key") {
		t.Fatalf("pulling an encrypted image without a key: %v, want an invalid argument naming --decryption-key", err)
	}
	_, err := s.Pull(ctx, name, PullOptions{RegistryOptions: rf.reg, PullExtras: PullExtras{DecryptionKeys: []string{"/nonexistent/key.pem"}}})
	if !errdefs.IsInvalidArgument(err) {
		t.Fatalf("missing key file: %v, want an invalid argument", err)
	}
	img, err := s.Pull(ctx, name, PullOptions{RegistryOptions: rf.reg, PullExtras: PullExtras{DecryptionKeys: []string{keyFile}}})
	if err != nil {
		t.Fatalf("pull with the key: %v", err)
	}
	if _, err := s.Resolve(ctx, name); err != nil || img.ID == "" {
		t.Fatalf("after the pull: %+v, %v", img, err)
	}
}
