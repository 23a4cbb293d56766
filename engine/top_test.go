package engine

import (
	"os"
	"strconv"
	"testing"
)

func TestUserName(t *testing.T) {
	passwd := []byte("root:x:0:0:root:/root:/bin/sh\n# comment\n:x:5:5::/:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n")
	for uid, want := range map[string]string{"0": "root", "1000": "app", "5": "5", "42": "42"} {
		if got := userName(passwd, uid); got != want {
			t.Errorf("userName(%s) = %q, want %q", uid, got, want)
		}
	}
}

// TestReadProcessNamesTheUser reads this test's own process: its user is
// named from the passwd under its root, as pod top shows it.
func TestReadProcessNamesTheUser(t *testing.T) {
	p := readProcess("self", os.Getpid())
	if p.User == strconv.Itoa(os.Getuid()) {
		if _, err := os.Stat("/etc/passwd"); err == nil {
			t.Errorf("user %q: the number, though /etc/passwd exists", p.User)
		}
	}
	if p.User == "" || p.PPID != os.Getppid() {
		t.Errorf("readProcess: %+v", p)
	}
}
