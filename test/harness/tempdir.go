package harness

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// testRoot holds every folder the harness makes. It is on the host's file system and
// the same path inside a sandbox, unlike /tmp, /var/tmp and /run, which are private
// tmpfs in a sandbox (and a booted systemd would wipe a shared /tmp).
const testRoot = "/var/lib/podunit-test"

// TempDir makes a fresh folder under /var/lib/podunit-test, visible at the same path
// inside every sandbox. A cleanup unmounts whatever is still mounted below it (in the
// test's mount namespace) and removes it.
func TempDir(t testing.TB) string {
	t.Helper()
	if err := os.MkdirAll(testRoot, 0o755); err != nil {
		t.Fatalf("harness: %v", err)
	}
	staleOnce.Do(removeStale)
	dir, err := os.MkdirTemp(testRoot, fmt.Sprintf("p%d-%s", os.Getpid(), dirPrefix(t.Name())))
	if err != nil {
		t.Fatalf("harness: %v", err)
	}
	t.Cleanup(func() {
		if err := removeTree(dir); err != nil {
			t.Errorf("harness: removing %s: %v", dir, err)
		}
	})
	return dir
}

var staleOnce sync.Once

// removeStale removes the folders under testRoot that belong to test binaries that
// have exited (their names start with p<PID>-): those killed before their cleanups
// ran, by a -timeout panic for instance.
func removeStale() {
	entries, _ := os.ReadDir(testRoot)
	for _, e := range entries {
		digits, _, ok := strings.Cut(strings.TrimPrefix(e.Name(), "p"), "-")
		pid, err := strconv.Atoi(digits)
		if !ok || err != nil || !strings.HasPrefix(e.Name(), "p") || pid == os.Getpid() {
			continue
		}
		if syscall.Kill(pid, 0) == syscall.ESRCH {
			_ = removeTree(filepath.Join(testRoot, e.Name()))
		}
	}
}

// dirPrefix turns a test name into a short, path-safe folder name prefix.
func dirPrefix(name string) string {
	b := []byte(name)
	for i, c := range b {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
		if !ok {
			b[i] = '_'
		}
	}
	if len(b) > 48 {
		b = b[:48]
	}
	return string(b) + "-"
}

func removeTree(dir string) error {
	if err := unmountBelow(dir); err != nil {
		return err
	}
	return os.RemoveAll(dir)
}

// unmountBelow detaches every mount at or below dir, deepest first, until
// /proc/self/mountinfo lists none (mounts can be stacked on one point).
func unmountBelow(dir string) error {
	for range 100 {
		points, err := mountsBelow(dir)
		if err != nil || len(points) == 0 {
			return err
		}
		for _, p := range points {
			if err := syscall.Unmount(p, syscall.MNT_DETACH); err != nil && err != syscall.EINVAL && err != syscall.ENOENT {
				return &os.PathError{Op: "unmount", Path: p, Err: err}
			}
		}
	}
	return nil
}

// mountsBelow lists the mount points at or below dir, longest path first.
func mountsBelow(dir string) ([]string, error) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dir = filepath.Clean(dir)
	var points []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 {
			continue
		}
		p := unescapeMountPath(fields[4])
		if p == dir || strings.HasPrefix(p, dir+"/") {
			points = append(points, p)
		}
	}
	sort.Slice(points, func(i, j int) bool { return len(points[i]) > len(points[j]) })
	return points, sc.Err()
}

// unescapeMountPath undoes mountinfo's octal escapes (\040 for a space, ...).
func unescapeMountPath(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
