package image

import (
	"fmt"

	"github.com/containers/ocicrypt/helpers"
	"go.podman.io/image/v5/copy"

	"github.com/podunit/podunit/engine/errdefs"
)

// PushEncryption is podman push's --encryption-key and --encrypt-layer:
// the pushed copy's layers encrypted (as an OCI image) for the given
// recipients.
type PushEncryption struct {
	EncryptionKeys []string // PROTOCOL:KEY recipients: jwe:PUBLIC.pem, pkcs7:CERT.pem, pgp:EMAIL, pkcs11:…
	EncryptLayers  []int    // layer indexes to encrypt (negative from the top); none given means all
}

// apply sets o's encryption settings; a PushEncryption without keys
// leaves o unencrypted, and layers without keys are an error.
func (p PushEncryption) apply(o *copy.Options) error {
	if len(p.EncryptionKeys) == 0 {
		if len(p.EncryptLayers) > 0 {
			return fmt.Errorf("--encrypt-layer needs --encryption-key: %w", errdefs.ErrInvalidArgument)
		}
		return nil
	}
	cc, err := helpers.CreateCryptoConfig(p.EncryptionKeys, nil)
	if err != nil {
		return fmt.Errorf("--encryption-key: %w: %w", errdefs.ErrInvalidArgument, err)
	}
	layers := append([]int{}, p.EncryptLayers...) // empty: every layer
	o.OciEncryptConfig, o.OciEncryptLayers = cc.EncryptConfig, &layers
	return nil
}
