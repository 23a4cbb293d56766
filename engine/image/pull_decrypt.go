//go:build !hotpath

package image

import (
	"context"
	"fmt"
	"strings"

	encconfig "github.com/containers/ocicrypt/config"
	"github.com/containers/ocicrypt/helpers"
	"go.podman.io/image/v5/image"
	"go.podman.io/image/v5/types"

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

// encryptedFailure explains a failed pull of an image whose layers are
// encrypted when no key was given (containers/image reports only that a
// layer does not match its DiffID); else it returns err as it is.
func encryptedFailure(ctx context.Context, sys *types.SystemContext, src types.ImageReference, err error) error {
	is, img, e := openSource(ctx, sys, src)
	if e != nil {
		return err
	}
	defer is.Close()
	for _, l := range img.LayerInfos() {
		if strings.HasSuffix(l.MediaType, "+encrypted") {
			return fmt.Errorf("the image's layers are encrypted: give its key with --decryption-key "+
				"(DecryptionKey= in an .image file): %w (%w)", errdefs.ErrInvalidArgument, err)
		}
	}
	return err
}

// openSource opens the image at src as a copy would choose it (the
// platform's instance of a list); the caller closes the source.
func openSource(ctx context.Context, sys *types.SystemContext, src types.ImageReference) (types.ImageSource, types.Image, error) {
	is, err := src.NewImageSource(ctx, sys)
	if err != nil {
		return nil, nil, err
	}
	img, err := image.FromUnparsedImage(ctx, sys, image.UnparsedInstance(is, nil))
	if err != nil {
		is.Close()
		return nil, nil, err
	}
	return is, img, nil
}
