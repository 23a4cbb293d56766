package quadlet

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// DefaultEtcDir holds the passwd and group files that [Volume] User= and
// Group= names are looked up in.
const DefaultEtcDir = "/etc"

// errNoEntry is a name that the passwd or group file does not list.
var errNoEntry = errors.New("no such entry")

// lookupID reads the numeric ID of name from etcDir's passwd (or group)
// file, as the static generator binary's os/user does: the file's lines
// NAME:PASSWORD:ID:…, no NSS modules (none run safely this early in boot).
func lookupID(etcDir, name string, group bool) (uint64, error) {
	if etcDir == "" {
		etcDir = DefaultEtcDir
	}
	file := map[bool]string{false: "passwd", true: "group"}[group]
	f, err := os.Open(filepath.Join(etcDir, file))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.SplitN(sc.Text(), ":", 4)
		if len(fields) < 3 || fields[0] != name {
			continue
		}
		return strconv.ParseUint(fields[2], 10, 32)
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, errNoEntry
}
