package quadlet

import "testing"

// TestSupportedKeysAreQuadletKeys: podunit translates only keys of
// podman-systemd.unit(5), each in the section Quadlet has it in.
func TestSupportedKeysAreQuadletKeys(t *testing.T) {
	for kind := range supported {
		keys := supportedKeys(kind)
		for _, k := range keys {
			if !knownToQuadlet(kind, k) {
				t.Errorf("[%s] %s= is not a Quadlet key", kind.Section(), k)
			}
		}
	}
}
