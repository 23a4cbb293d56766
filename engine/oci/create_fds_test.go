package oci

import (
	"io"
	"os"
	"strings"
	"testing"
)

// TestCreatePassesExtraDescriptors: Stdio.Extra reaches the container's
// process as descriptors 3, 4 (--preserve-fds), with the real runc: the
// container writes to both and the test reads it from the pipes.
func TestCreatePassesExtraDescriptors(t *testing.T) {
	rt := testRunc(t)
	bundle := busyboxBundleArgs(t, "/busybox", "sh", "-c", "echo three >&3; echo four >&4")
	r3, w3 := pipe(t)
	r4, w4 := pipe(t)
	id := "oci-fds-test"
	ctx, _ := createTest(t, rt, id, bundle, Stdio{Extra: []*os.File{w3, w4}})
	w3.Close()
	w4.Close()
	if err := rt.StartExec(ctx, id, bundle); err != nil {
		t.Fatal(err)
	}
	for want, r := range map[string]*os.File{"three": r3, "four": r4} {
		got, err := io.ReadAll(r)
		if err != nil || strings.TrimSpace(string(got)) != want {
			t.Errorf("the container's descriptor for %q gave %q (%v)", want, got, err)
		}
	}
}

func pipe(t *testing.T) (*os.File, *os.File) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	return r, w
}
