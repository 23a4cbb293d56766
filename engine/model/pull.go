package model

// PullConfig is how create and run fetched the container's image: --pull,
// --retry, --retry-delay and --decryption-key, kept so that generate
// systemd --new writes them back (as Podman's create command keeps them). Empty fields are the defaults (missing; Podman's 3 retries, doubling
// from 1 s).
type PullConfig struct {
	PullPolicy     string `json:"pullPolicy,omitempty"`     // --pull: always, never or newer; "" missing
	PullRetry      *int   `json:"pullRetry,omitempty"`      // --retry when given
	PullRetryDelay string `json:"pullRetryDelay,omitempty"` // --retry-delay when given, e.g. 5s
	// PullDecryptionKeys are --decryption-key's KEY[:PASSPHRASE] values.
	PullDecryptionKeys []string `json:"pullDecryptionKeys,omitempty"`
}
