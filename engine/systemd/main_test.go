package systemd

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Environment variables by which the test binary, copied into a sandbox
// directory, plays its other roles.
const (
	envInSandbox = "PODUNIT_SYSTEMD_IN_SANDBOX" // the directory shared with the host
	envHelper    = "PODUNIT_SYSTEMD_HELPER"     // run as a unit's start helper
)

func TestMain(m *testing.M) {
	if os.Getenv(envHelper) == "notify-sleep" {
		os.Exit(notifySleepHelper())
	}
	os.Exit(m.Run())
}

// notifySleepHelper plays a container start helper: like runc create, it
// leaves $HELPER_CMD (`sleep 1000`) behind as an orphan (so that systemd, as the reaper,
// becomes its parent), records its own cgroup and the sleep's PID in files
// of the directory $HELPER_DIR, sends MAINPID and READY=1, and exits.
func notifySleepHelper() int {
	dir := os.Getenv("HELPER_DIR")
	pidFile := filepath.Join(dir, "sleep.pid")
	ctr := os.Getenv("HELPER_CMD") // the "container"
	if ctr == "" {
		ctr = "sleep 1000"
	}
	sh := exec.Command("/bin/sh", "-c", ctr+` & echo $! >"$0"`, pidFile)
	sh.Stdout, sh.Stderr = os.Stdout, os.Stderr
	err := sh.Run()
	var pid []byte
	if err == nil {
		pid, err = os.ReadFile(pidFile)
	}
	var cg string
	if err == nil {
		cg, err = OwnCgroup()
	}
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "cgroup"), []byte(cg), 0o644)
	}
	if err == nil {
		err = writeAtomic(filepath.Join(dir, "mainpid"), strings.TrimSpace(string(pid)))
	}
	if err == nil {
		_, err = Notify("MAINPID=" + strings.TrimSpace(string(pid)) + "\nREADY=1")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// writeAtomic writes a file under a temporary name and renames it.
func writeAtomic(path, data string) error {
	if err := os.WriteFile(path+".tmp", []byte(data), 0o644); err != nil {
		return err
	}
	return os.Rename(path+".tmp", path)
}
