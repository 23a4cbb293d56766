// Package procstat reads /proc/PID/stat, whose second field (the command,
// in parentheses) may hold spaces and parentheses of its own.
package procstat

import (
	"errors"
	"os"
	"strconv"
	"strings"
)

// Stat is a process's /proc/PID/stat.
type Stat struct {
	Comm string
	// Fields are the fields after the command: Fields[0] is the state
	// (field 3 of proc(5)), Fields[n-3] field n.
	Fields []string
}

// ErrMalformed: the text is not a /proc/PID/stat line.
var ErrMalformed = errors.New("malformed /proc/PID/stat")

// Read reads pid's stat.
func Read(pid int) (Stat, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return Stat{}, err
	}
	return Parse(string(b))
}

// Parse splits a stat line at the command's last ')'.
func Parse(s string) (Stat, error) {
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return Stat{}, ErrMalformed
	}
	f := strings.Fields(s[end+1:])
	if len(f) == 0 {
		return Stat{}, ErrMalformed
	}
	return Stat{Comm: s[open+1 : end], Fields: f}, nil
}

// Live reports whether the process runs: neither a zombie nor dead.
func (s Stat) Live() bool { return s.Fields[0] != "Z" && s.Fields[0] != "X" }
