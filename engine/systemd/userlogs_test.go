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

// TestJournalArgsFindUnfiledUserOutput: a user's container output that
// journald filed under no unit is matched by identifier, user and stream.
func TestJournalArgsFindUnfiledUserOutput(t *testing.T) {
	got := journalArgs(LogOptions{Unit: "a.service", Tail: -1, UserUID: "1001", UserIdentifiers: []string{"a", "x"}}, "")
	want := []string{"--output=json", "--no-pager", "--quiet", "--all", "_SYSTEMD_USER_UNIT=a.service",
		"_UID=1001", "_TRANSPORT=stdout", "+", "SYSLOG_IDENTIFIER=a", "SYSLOG_IDENTIFIER=x", "_UID=1001", "_TRANSPORT=stdout"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q", got)
	}
	if got := journalArgs(LogOptions{Unit: "a.service", UserIdentifiers: []string{"a"}}, ""); slices.Contains(got, "+") {
		t.Errorf("root's units need no second match: %q", got)
	}
}
