// Package hugeheap lets a short-lived command's Go heap be backed by
// transparent huge pages where the kernel gives them only on request.
//
// A command that builds a heap of megabytes (the generator at a thousand
// files) otherwise takes one page fault per 4 KiB page of it, and on a
// virtual machine a fault can cost 10-15 µs: most of such a command's time.
// With THP in "madvise" mode (Ubuntu's default, and this project's test
// machines) the kernel backs a range with 2 MiB pages only after
// madvise(MADV_HUGEPAGE), and the Go runtime asks for none: it maps its heap
// as it grows, each mapping a new region without the advice. Reserve maps the
// heap ahead, advises it and hands it back to the allocator.
//
// With THP "always" the heap has huge pages already, and with "never" it can
// have none: Reserve and Early then do nothing, as they do under
// GODEBUG=disablethp=1 (the runtime's own switch). Both are meant for a
// command's start, on one goroutine. Where memory is fragmented, a fault in
// an advised range may wait for the kernel to compact memory (THP's defrag
// setting, "madvise" by default, allows it for advised ranges); a host where
// that matters more than page faults sets THP to "never".
package hugeheap

import (
	"bytes"
	"os"
	"runtime"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

const (
	// arenaBytes is the size and alignment of a Go heap arena on 64-bit Linux.
	arenaBytes = 64 << 20
	// hugePage is the size and alignment of a transparent huge page (x86-64,
	// and arm64 with 4 KiB pages).
	hugePage = 2 << 20
)

// enabledFile holds the kernel's THP mode, the chosen one in brackets.
const enabledFile = "/sys/kernel/mm/transparent_hugepage/enabled"

// enabled: Reserve and Early do their work here (wanted), read once per
// process (the generator calls both).
var enabled = wanted(thpMode(), os.Getenv("GODEBUG"))

// Reserve maps n bytes of heap ahead, advises the heap's arenas for huge
// pages and frees the reservation, when the kernel gives huge pages only on
// advice. It costs one garbage collection of the young heap and about a
// hundred page faults of the collector's own: call it early, and only in a
// command that will allocate several megabytes. The reservation is not
// touched, so it costs no memory until used; what the command allocates past
// it comes in small pages as before.
func Reserve(n int) {
	if !enabled {
		return
	}
	front = new([64]byte) // on the heap, where the allocator works now
	b := make([]byte, n)  // fresh pages: the runtime does not zero them
	advise(b, uintptr(unsafe.Pointer(front)))
	b, front = nil, nil
	runtime.GC() // hands the reservation back to the allocator
}

// Early advises the heap the runtime has mapped so far (a few megabytes at
// a process's start) for huge pages and makes the huge page the allocator
// works in whole, when the kernel gives huge pages only on advice: no
// reservation and no collection, for a command whose heap stays small. Run at
// package initialization (package early), it spares a podunit command two or
// three hundred page faults of its first megabytes, for 0.3-0.5 ms of
// collapse and up to 2 MiB more of resident memory.
func Early() {
	if !enabled {
		return
	}
	front = new([64]byte)
	at := uintptr(unsafe.Pointer(front))
	front = nil
	adviseRange(at&^(arenaBytes-1), arenaBytes)
	collapse(at)
}

// front is a small allocation of Reserve's and Early's, a package variable
// so that it lies in the heap.
var front *[64]byte

// advise marks the heap arenas that hold b for huge pages: all of them that
// is mapped now (the kernel skips the rest, which the runtime maps afresh, and
// without the advice, when it grows there). The huge pages that hold at
// and b's first byte, partly in use already, are made whole now
// (MADV_COLLAPSE, Linux 6.1): a page the kernel has begun in small pages
// would otherwise stay so, and the allocator fills the free space before b
// first.
func advise(b []byte, at uintptr) {
	start := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	lo := start &^ (arenaBytes - 1)
	hi := (start + uintptr(len(b)) + arenaBytes - 1) &^ (arenaBytes - 1)
	adviseRange(lo, hi-lo)
	collapse(at)
	if (start-1)&^(hugePage-1) != at&^(hugePage-1) {
		collapse(start - 1)
	}
}

// adviseRange marks n bytes from addr for huge pages. An error is ignored:
// ENOMEM only says part of the range is not mapped, and the mapped part has
// the advice.
func adviseRange(addr, n uintptr) {
	_, _, _ = unix.Syscall(unix.SYS_MADVISE, addr, n, unix.MADV_HUGEPAGE)
}

// collapse makes the huge page that holds addr whole now, its small pages
// copied into it (MADV_COLLAPSE, Linux 6.1). An error is ignored: an older
// kernel, or none free, leaves the page small.
func collapse(addr uintptr) {
	_, _, _ = unix.Syscall(unix.SYS_MADVISE, addr&^(hugePage-1), hugePage, unix.MADV_COLLAPSE)
}

// thpMode is enabledFile's content, or nothing. Read without package os,
// whose first file registers with the network poller (an epoll instance, a
// tenth of a millisecond) in a command that may need none.
func thpMode() []byte {
	fd, err := unix.Open(enabledFile, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil
	}
	defer unix.Close(fd)
	buf := make([]byte, 128)
	n, err := unix.Read(fd, buf)
	if err != nil || n < 0 {
		return nil
	}
	return buf[:n]
}

// wanted: the kernel gives huge pages only on advice (mode, enabledFile's
// content, chooses "madvise") and the Go runtime was not told to keep its
// heap out of them (godebug, $GODEBUG, holds disablethp=1, after which the
// runtime marks its heap MADV_NOHUGEPAGE: an advice here would undo that).
func wanted(mode []byte, godebug string) bool {
	for _, kv := range strings.Split(godebug, ",") {
		if strings.TrimSpace(kv) == "disablethp=1" {
			return false
		}
	}
	return onAdvice(mode)
}

// onAdvice: mode, enabledFile's content, chooses "madvise".
func onAdvice(mode []byte) bool { return bytes.Contains(mode, []byte("[madvise]")) }
