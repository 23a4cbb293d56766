// Package rootless runs podunit for an unprivileged user: it finds the
// user's subordinate ID ranges (/etc/subuid, /etc/subgid), checks what a
// user namespace needs (newuidmap, newgidmap) and re-executes podunit in a
// new user and mount namespace where uid 0 is the user and 1..N are the
// user's subordinate IDs, as Podman does. Nothing here prints or exits.
package rootless

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/podunit/podunit/engine/errdefs"
)

// Range is one subordinate ID range: Count IDs from Start on the host.
type Range struct {
	Start, Count uint32
}

// IDMap maps Size IDs from ContainerID in the namespace to HostID outside.
type IDMap struct {
	ContainerID, HostID, Size uint32
}

// ReadRanges reads the ranges a subordinate ID file (subuid(5) format:
// `owner:start:count`, owner a name or a numeric ID) gives to the user
// named name with ID id. A missing file gives no ranges.
func ReadRanges(path, name string, id int) ([]Range, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	defer f.Close()
	return parseRanges(f, path, name, id)
}

func parseRanges(r io.Reader, path, name string, id int) ([]Range, error) {
	var out []Range
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		owner, rng, err := parseRangeLine(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w: %w", path, n, err, errdefs.ErrInvalidArgument)
		}
		if owner == name || owner == strconv.Itoa(id) {
			out = append(out, rng)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return out, nil
}

func parseRangeLine(line string) (string, Range, error) {
	f := strings.Split(line, ":")
	if len(f) != 3 {
		return "", Range{}, fmt.Errorf("want owner:start:count, not %q", line)
	}
	start, err1 := strconv.ParseUint(f[1], 10, 32)
	count, err2 := strconv.ParseUint(f[2], 10, 32)
	if err1 != nil || err2 != nil || count == 0 || start+count > 1<<32-1 {
		return "", Range{}, fmt.Errorf("bad range %q", line)
	}
	return f[0], Range{Start: uint32(start), Count: uint32(count)}, nil
}

// Maps is the namespace's map for one kind of ID: 0 is the user's own ID,
// then the subordinate ranges follow from 1 on, in file order.
func Maps(own uint32, ranges []Range) []IDMap {
	out := []IDMap{{ContainerID: 0, HostID: own, Size: 1}}
	next := uint32(1)
	for _, r := range ranges {
		out = append(out, IDMap{ContainerID: next, HostID: r.Start, Size: r.Count})
		next += r.Count
	}
	return out
}

// mapArgs is a map as newuidmap(1) and newgidmap(1) take it after the pid.
func mapArgs(m []IDMap) []string {
	var out []string
	for _, x := range m {
		out = append(out, strconv.FormatUint(uint64(x.ContainerID), 10),
			strconv.FormatUint(uint64(x.HostID), 10), strconv.FormatUint(uint64(x.Size), 10))
	}
	return out
}
