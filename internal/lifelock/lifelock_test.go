package lifelock

import (
	"path/filepath"
	"testing"
)

// TestHoldAndHeld: held while held (seen through another open file, as
// another process opens it), free after the release, and no file is no
// holder.
func TestHoldAndHeld(t *testing.T) {
	path := filepath.Join(t.TempDir(), "owner.lock")
	if Held(path) {
		t.Fatal("held without a file")
	}
	release, err := Hold(path)
	if err != nil {
		t.Fatal(err)
	}
	if !Held(path) {
		t.Error("not held while held")
	}
	release()
	if Held(path) {
		t.Error("still held after the release")
	}
}
