package engine

import (
	"strings"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
)

// TestValidateHostname: a host name the kernel would refuse at every
// start (over 64 bytes) is refused at create, naming its length.
func TestValidateHostname(t *testing.T) {
	for _, ok := range []string{"", "box", strings.Repeat("h", 64), "a.b-c"} {
		if err := validateHostname(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{strings.Repeat("h", 65), "a b", "a\nb", "a\x00b"} {
		err := validateHostname(bad)
		if !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), "--hostname") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if err := validateHostname(strings.Repeat("h", 65)); !strings.Contains(err.Error(), "65 characters") {
		t.Errorf("the error does not give the length: %v", err)
	}
}

// TestValidateEnvText: a value that is not UTF-8 is refused naming the
// variable (JSON would have replaced its bad bytes with U+FFFD).
func TestValidateEnvText(t *testing.T) {
	if err := validateEnvText([]string{"A=1", "GREETING=grüße", "EMPTY="}); err != nil {
		t.Errorf("UTF-8 values: %v", err)
	}
	err := validateEnvText([]string{"A=1", "BIN=ab\xffcd"})
	if !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), `"BIN"`) {
		t.Errorf("non-UTF-8 value: %v", err)
	}
}
