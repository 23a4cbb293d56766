//go:build !hotpath

package image

import (
	"fmt"

	"github.com/containers/ocicrypt/helpers"
	"go.podman.io/image/v5/copy"

	"github.com/podunit/podunit/engine/errdefs"
)

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
