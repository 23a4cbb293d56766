package main

import (
	"fmt"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/image"
	"github.com/podunit/podunit/engine/model"
)

// pullConfig checks --pull (leaving its canonical form in f.pull) and
// returns it, --retry, --retry-delay and --decryption-key as the record
// keeps them: the policy unless missing, the others when given. The retry flags are
// checked by metaFlags.apply.
func (f *createFlags) pullConfig(changed func(string) bool) (model.PullConfig, error) {
	var p model.PullConfig
	policy, err := image.ParsePullPolicy(f.pull)
	if err != nil {
		return p, fmt.Errorf("--pull %q: want always, missing, never or newer: %w", f.pull, errdefs.ErrInvalidArgument)
	}
	f.pull = policy
	if policy != image.PullMissing {
		p.PullPolicy = policy
	}
	if changed("retry") {
		n := f.meta.retry.retries
		p.PullRetry = &n
	}
	if changed("retry-delay") {
		p.PullRetryDelay = f.meta.retry.delay
	}
	p.PullDecryptionKeys = f.meta.pull.DecryptionKeys
	return p, nil
}
