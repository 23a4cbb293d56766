package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/oci"
)

func TestParseVolumes(t *testing.T) {
	got, err := parseVolumes([]string{"/h:/c", "/a:/b:ro", "/x:/y:rw,rshared,Z"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[1].ReadOnly != true || got[0].ReadOnly || len(got[2].Options) != 1 || got[2].Options[0] != "rshared" {
		t.Fatalf("parseVolumes = %+v", got)
	}
	for _, bad := range []string{":/c", "/h:", "/h:/c:bogus", "/a:/b:c:d", "/only:bogus"} {
		if _, err := parseVolumes([]string{bad}); err == nil {
			t.Errorf("parseVolumes(%q) accepted", bad)
		}
	}
}

func TestReadEnvFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "env")
	os.WriteFile(path, []byte("# comment\nA=1\n\n  B=two words  \nC\n"), 0o600)
	env, err := readEnvFile(path)
	if err != nil || fmt.Sprint(env) != "[A=1 B=two words C]" {
		t.Fatalf("readEnvFile = %q, %v", env, err)
	}
	os.WriteFile(path, []byte("A=1\n=oops\n"), 0o600)
	if _, err := readEnvFile(path); err == nil || !regexpMatch(`env:2:`, err.Error()) {
		t.Fatalf("a nameless variable gave %v, want an error naming line 2", err)
	}
}

func TestExitCodes(t *testing.T) {
	cases := []struct {
		err  error
		want int
	}{
		{errors.New("plain"), 125},
		{fmt.Errorf("wrapped: %w", &oci.ExecError{Code: 127, Msg: "x"}), 127},
		{&oci.ExecError{Code: 126, Msg: "x"}, 126},
		{&exitError{code: 1, err: errors.New("x")}, 1},
		{errors.Join(&engine.InterruptedError{Name: "c", Signal: syscall.SIGINT}, errors.New("x")), 130},
		{&engine.InterruptedError{Name: "c", Signal: syscall.SIGTERM}, 143},
	}
	for _, c := range cases {
		if got := exitCodeOf(c.err); got != c.want {
			t.Errorf("exitCodeOf(%v) = %d, want %d", c.err, got, c.want)
		}
	}
	err := fmt.Errorf("image %q not found: %w", "x", errdefs.ErrNotFound)
	if got := errorText(err); got != `image "x" not found` {
		t.Errorf("errorText = %q", got)
	}
	err = fmt.Errorf("container %q is running: %w", "x", errdefs.ErrConflict)
	if got := errorText(err); got != `container "x" is running: conflict` {
		t.Errorf("errorText dropped a class the text does not say: %q", got)
	}
}

func regexpMatch(pattern, s string) bool { return regexp.MustCompile(pattern).MatchString(s) }

func TestPortsColumn(t *testing.T) {
	got := portsText([]psPort{{HostIP: "127.0.0.1", HostPort: 18080, ContainerPort: 80, Protocol: "tcp"},
		{HostPort: 53, ContainerPort: 53, Protocol: "udp"}, {HostIP: "::1", HostPort: 8443, ContainerPort: 443, Protocol: "tcp"}})
	if want := "127.0.0.1:18080->80/tcp, 0.0.0.0:53->53/udp, [::1]:8443->443/tcp"; got != want {
		t.Fatalf("portsText = %q, want %q", got, want)
	}
}

// TestReadEnvFileLongLinesAndPositions: lines of any length are read
// (bufio.Scanner stopped at 64 KiB with "token too long"), and an error
// names FILE:LINE.
func TestReadEnvFileLongLinesAndPositions(t *testing.T) {
	dir := t.TempDir()
	long := "BIG=" + strings.Repeat("x", 200<<10)
	good := filepath.Join(dir, "good")
	if err := os.WriteFile(good, []byte("# c\n\nA=1\n"+long+"\nLAST=no-newline"), 0o644); err != nil {
		t.Fatal(err)
	}
	env, err := readEnvFile(good)
	if err != nil || len(env) != 3 || env[1] != long || env[2] != "LAST=no-newline" {
		t.Fatalf("readEnvFile: %d entries, %v", len(env), err)
	}
	bad := filepath.Join(dir, "bad")
	if err := os.WriteFile(bad, []byte(long+"\nA=1\n=nameless\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readEnvFile(bad); err == nil || !strings.Contains(err.Error(), bad+":3:") {
		t.Fatalf("error without FILE:LINE: %v", err)
	}
}
