package main

import "github.com/spf13/pflag"

// decryptionFlag registers --decryption-key KEY[:PASSPHRASE] (repeatable)
// on pull, create and run, as podman has it on all three: the keys their
// pull decrypts an encrypted image's layers with (image.PullExtras), so a
// .container's PodmanArgs=--decryption-key works as an .image's
// DecryptionKey= does.
func decryptionFlag(fs *pflag.FlagSet, keys *[]string) {
	stringArrayVar(fs, keys, "decryption-key", "KEY[:PASSPHRASE] to decrypt an encrypted image's layers (repeatable)")
}
