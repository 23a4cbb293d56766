package engine

import "testing"

// TestOwnerLock: the owner lock is seen held while held (from another open
// file, as another podunit opens it), and free after release; a bundle
// without the file has no owner.
func TestOwnerLock(t *testing.T) {
	dir := t.TempDir()
	if ownerLives(dir) {
		t.Fatal("an owner lives in a bundle without the lock file")
	}
	release, err := holdOwner(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !ownerLives(dir) {
		t.Error("the owner lock is held, yet no owner lives")
	}
	release()
	if ownerLives(dir) {
		t.Error("after the release an owner still lives")
	}
}
