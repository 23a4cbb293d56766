package systemd

import (
	"slices"
	"testing"
)

func TestJournalArgsOfAUserUnit(t *testing.T) {
	got := journalArgs(LogOptions{Unit: "a.service", MoreUnits: []string{"b.service"}, Tail: -1, UserUID: "1001"}, "")
	want := []string{"--output=json", "--no-pager", "--quiet", "--all", "_SYSTEMD_USER_UNIT=a.service",
		"_SYSTEMD_USER_UNIT=b.service", "_UID=1001", "_TRANSPORT=stdout"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q", got)
	}
}
