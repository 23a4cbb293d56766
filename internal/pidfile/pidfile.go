// Package pidfile reads the pid files the OCI runtimes write (--pid-file).
// It is pure standard library.
package pidfile

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Read returns the pid in the runtime's pid file path.
func Read(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("reading the runtime's pid file: %w", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0, fmt.Errorf("the runtime's pid file %s holds %q, not a pid", path, b)
	}
	return pid, nil
}
