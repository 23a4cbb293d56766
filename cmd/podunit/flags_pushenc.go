package main

import (
	"github.com/spf13/pflag"

	"github.com/podunit/podunit/engine/image"
)

// pushEncryptionFlags registers push's --encryption-key PROTOCOL:KEY
// (repeatable) and --encrypt-layer INDEX (repeatable, or comma-separated),
// as podman push has them: the pushed layers are encrypted for those keys.
func pushEncryptionFlags(fs *pflag.FlagSet, e *image.PushEncryption) {
	stringArrayVar(fs, &e.EncryptionKeys, "encryption-key", "PROTOCOL:KEY to encrypt the pushed layers for (jwe:PUBLIC.pem, pkcs7:CERT.pem, pgp:EMAIL; repeatable)")
	fs.IntSliceVar(&e.EncryptLayers, "encrypt-layer", nil, "index of a layer to encrypt (0 the first, -1 the last; default: every layer)")
}
