package model

// PullConfig is how create and run fetched the container's image: --pull,
// --retry and --retry-delay, kept so that generate systemd --new writes them
// back. Empty fields are the defaults (missing; Podman's 3 retries, doubling
// from 1 s).
type PullConfig struct {
	PullPolicy     string `json:"pullPolicy,omitempty"`     // --pull: always, never or newer; "" missing
	PullRetry      *int   `json:"pullRetry,omitempty"`      // --retry when given
	PullRetryDelay string `json:"pullRetryDelay,omitempty"` // --retry-delay when given, e.g. 5s
}
