package image

import (
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
)

// TestPushEncrypted pushes a local image with --encryption-key's JWE key:
// the pushed layers are encrypted (a pull without the key is refused
// naming --decryption-key), the private key decrypts them, and bad
// encryption settings are refused before anything is pushed.
func TestPushEncrypted(t *testing.T) {
	rf := startRegistry(t)
	s := newStore(t, "vfs")
	load(t, s, fixtures.dockerArchive)
	pub, priv := rsaKeyPair(t)
	dest := rf.host + "/podunit/pushenc:1"
	enc := PushOptions{RegistryOptions: rf.reg, PushEncryption: PushEncryption{EncryptionKeys: []string{"jwe:" + pub}}}
	if err := s.Push(ctx, "busybox", dest, enc); err != nil {
		t.Fatalf("push --encryption-key: %v", err)
	}
	if _, err := rf.pull(newStore(t, "vfs"), dest, ""); !errdefs.IsInvalidArgument(err) {
		t.Fatalf("pulling the encrypted push without a key: %v, want an invalid argument naming --decryption-key", err)
	}
	img, err := newStore(t, "vfs").Pull(ctx, dest, PullOptions{RegistryOptions: rf.reg, PullExtras: PullExtras{DecryptionKeys: []string{priv}}})
	if err != nil || img.ID == "" {
		t.Fatalf("pull with the private key: %+v, %v", img, err)
	}
	for _, bad := range []PushEncryption{{EncryptionKeys: []string{"jwe:/nonexistent/pub.pem"}}, {EncryptLayers: []int{0}}} {
		o := PushOptions{RegistryOptions: rf.reg, PushEncryption: bad}
		err := s.Push(ctx, "busybox", rf.host+"/podunit/badenc:1", o)
		wantErr(t, err, errdefs.ErrInvalidArgument, "--encrypt")
		if _, err := rf.pull(newStore(t, "vfs"), rf.host+"/podunit/badenc:1", ""); err == nil {
			t.Errorf("%+v: an image was pushed", bad)
		}
	}
}
