package image

import (
	"fmt"

	encconfig "github.com/containers/ocicrypt/config"
	"github.com/containers/ocicrypt/helpers"

	"github.com/podunit/podunit/engine/errdefs"
)

// decryptConfig reads podman pull's --decryption-key values (KEY[:PASSPHRASE],
// a private key file: PEM/DER for JWE or PKCS#7, a GPG secret key, or a
// PKCS#11 YAML) into the decryption settings of an image copy; nil for none.
func decryptConfig(keys []string) (*encconfig.DecryptConfig, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	cc, err := helpers.CreateDecryptCryptoConfig(keys, nil)
	if err != nil {
		return nil, fmt.Errorf("--decryption-key: %w: %w", errdefs.ErrInvalidArgument, err)
	}
	return cc.DecryptConfig, nil
}
