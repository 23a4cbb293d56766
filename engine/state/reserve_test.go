package state

import (
	"os"
	"testing"
)

func TestReserveIsKeptShrunkAndRestored(t *testing.T) {
	s, path := openTemp(t)
	res := path + ".reserve"
	size := func() int64 {
		st, err := os.Stat(res)
		if err != nil {
			return -1
		}
		return st.Size()
	}
	if got := size(); got != reserveSize {
		t.Fatalf("reserve after open: %d bytes, want %d", got, reserveSize)
	}
	if !shrinkReserve(res, openSlice) || size() != reserveSize-openSlice {
		t.Fatalf("shrunk reserve: %d bytes", size())
	}
	ensureReserve(res)
	if size() != reserveSize {
		t.Fatalf("reserve not restored: %d bytes", size())
	}
	if !s.ReleaseReserve() || size() != -1 || s.ReleaseReserve() {
		t.Fatalf("release: %d bytes left", size())
	}
}
