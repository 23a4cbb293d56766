// Package testimage builds small, deterministic test images from Debian's
// static busybox (/bin/busybox, package busybox-static), with no network.
//
// Every output is byte-for-byte reproducible for a given busybox binary:
// entries are sorted, modification times are fixed and owners are explicit.
package testimage

import (
	"archive/tar"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"time"
)

// BusyboxPath is the static busybox the images are built from.
const BusyboxPath = "/bin/busybox"

// Epoch is the fixed modification and creation time of everything built here.
var Epoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// Applets are the busybox applets linked into bin/.
var Applets = []string{
	"[", "cat", "date", "echo", "env", "false", "grep", "head", "hostname",
	"httpd", "id", "kill", "ls", "mkdir", "nc", "printf", "ps", "pwd", "seq",
	"sh", "sleep", "tail", "test", "touch", "true", "wc", "wget",
}

const (
	passwd = "root:x:0:0:root:/root:/bin/sh\n" +
		"app:x:1000:1000:app:/home/app:/bin/sh\n" +
		"nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
	group = "root:x:0:\n" +
		"app:x:1000:\n" +
		"nogroup:x:65534:\n"
)

// entry is one file system object of the rootfs, relative to its root.
type entry struct {
	name     string
	typ      byte // tar.TypeDir, tar.TypeReg or tar.TypeSymlink
	mode     fs.FileMode
	uid, gid int
	target   string // symlink target
	data     []byte
}

// entries returns the rootfs content, sorted by name (parents first).
func entries() ([]entry, error) {
	busybox, err := os.ReadFile(BusyboxPath)
	if err != nil {
		return nil, fmt.Errorf("reading busybox (install busybox-static): %w", err)
	}
	es := []entry{
		dir("bin", 0o755), dir("dev", 0o755), dir("etc", 0o755),
		dir("home", 0o755), {name: "home/app", typ: tar.TypeDir, mode: 0o755, uid: 1000, gid: 1000},
		dir("proc", 0o555), dir("root", 0o700), dir("sys", 0o555),
		dir("tmp", 0o777|fs.ModeSticky),
		file("bin/busybox", 0o755, busybox),
		file("etc/passwd", 0o644, []byte(passwd)),
		file("etc/group", 0o644, []byte(group)),
	}
	for _, a := range Applets {
		es = append(es, entry{name: "bin/" + a, typ: tar.TypeSymlink, mode: 0o777, target: "busybox"})
	}
	sort.Slice(es, func(i, j int) bool { return es[i].name < es[j].name })
	return es, nil
}

func dir(name string, mode fs.FileMode) entry {
	return entry{name: name, typ: tar.TypeDir, mode: mode}
}

func file(name string, mode fs.FileMode, data []byte) entry {
	return entry{name: name, typ: tar.TypeReg, mode: mode, data: data}
}
