package export

import (
	"strconv"

	"github.com/podunit/podunit/engine/model"
)

// pullFlags are --pull, --retry, --retry-delay and --decryption-key as the
// container was created with them; defaults are left out.
func pullFlags(p model.PullConfig) []string {
	var args []string
	if p.PullPolicy != "" {
		args = append(args, "--pull", p.PullPolicy)
	}
	if p.PullRetry != nil {
		args = append(args, "--retry", strconv.Itoa(*p.PullRetry))
	}
	if p.PullRetryDelay != "" {
		args = append(args, "--retry-delay", p.PullRetryDelay)
	}
	for _, k := range p.PullDecryptionKeys {
		args = append(args, "--decryption-key", k)
	}
	return args
}
