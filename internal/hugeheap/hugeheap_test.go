package hugeheap

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

func TestOnAdvice(t *testing.T) {
	for mode, want := range map[string]bool{
		"always [madvise] never\n": true,
		"[always] madvise never\n": false,
		"always madvise [never]\n": false,
		"":                         false,
	} {
		if got := onAdvice([]byte(mode)); got != want {
			t.Errorf("onAdvice(%q) = %v, want %v", mode, got, want)
		}
	}
}

// TestReserveAdvisesWhatComesNext: after Reserve, a new allocation lies in
// a mapping that carries the huge-page advice (smaps' "hg" flag), and the
// reservation is free again: half of it allocated next fits in it, the heap's
// mappings growing by less than that.
func TestReserveAdvisesWhatComesNext(t *testing.T) {
	if !onAdviceHere(t, "Reserve", func() { Reserve(32 << 20) }) {
		return
	}
	Reserve(32 << 20)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	kept := make([][]byte, 0, 256)
	for range 256 { // 16 MiB
		kept = append(kept, make([]byte, 64<<10))
	}
	runtime.ReadMemStats(&after)
	if flags := vmFlags(t, uintptr(unsafe.Pointer(unsafe.SliceData(kept[255])))); !hasFlag(flags, "hg") {
		t.Errorf("a heap allocation after Reserve lies in a mapping without the advice: VmFlags %q", flags)
	}
	if int64(after.HeapSys)-int64(before.HeapSys) >= 8<<20 {
		t.Errorf("16 MiB allocated after Reserve(32 MiB) grew the heap's mappings from %d to %d bytes: the reservation was not freed",
			before.HeapSys, after.HeapSys)
	}
}

// vmFlags is smaps' VmFlags line of the mapping that holds addr.
func vmFlags(t *testing.T, addr uintptr) string {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if lo, hi, ok := vmaRange(line); ok {
			in = lo <= addr && addr < hi
			continue
		}
		if in && strings.HasPrefix(line, "VmFlags:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "VmFlags:"))
		}
	}
	t.Fatalf("no mapping holds %#x", addr)
	return ""
}

// hasFlag: flags, a VmFlags line, holds flag.
func hasFlag(flags, flag string) bool { return slices.Contains(strings.Fields(flags), flag) }

// vmaRange parses a mapping's first line, "lo-hi perms ...".
func vmaRange(line string) (lo, hi uintptr, ok bool) {
	r, _, found := strings.Cut(line, " ")
	a, b, dash := strings.Cut(r, "-")
	if !found || !dash || bytes.ContainsRune([]byte(a), ':') {
		return 0, 0, false
	}
	x, err1 := strconv.ParseUint(a, 16, 64)
	y, err2 := strconv.ParseUint(b, 16, 64)
	if err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return uintptr(x), uintptr(y), true
}

// TestReserveMakesTheWorkingPageWhole: the huge page the allocator works in
// when Reserve is called (partly used, so begun in small pages) is one huge
// page afterwards, as /proc/self/pagemap and /proc/kpageflags (root) say.
func TestReserveMakesTheWorkingPageWhole(t *testing.T) {
	workingPageWhole(t, "Reserve", func() { Reserve(8 << 20) })
}

// TestEarlyMakesTheWorkingPageWhole: so does Early, and it leaves the heap
// it found advised.
func TestEarlyMakesTheWorkingPageWhole(t *testing.T) {
	workingPageWhole(t, "Early", Early)
}

// workingPageWhole runs call and checks that a small allocation made next
// lies in a mapping with the advice and in a huge page (where the kernel had
// one to collapse into: else that it said so).
func workingPageWhole(t *testing.T, name string, call func()) {
	t.Helper()
	if !onAdviceHere(t, name, call) {
		return
	}
	failedBefore := vmstat(t, "thp_collapse_alloc_failed")
	call()
	at := nextAllocation()
	if flags := vmFlags(t, at); !hasFlag(flags, "hg") {
		t.Errorf("the heap's mapping after %s has no huge-page advice: VmFlags %q", name, flags)
	}
	switch {
	case inHugePage(t, at):
	case vmstat(t, "thp_collapse_alloc_failed") > failedBefore:
		t.Logf("the kernel had no huge page to collapse into: only the advice was checked")
	default:
		t.Errorf("the page at %#x, allocated after %s, is not part of a huge page", at, name)
	}
}

// nextAllocation is the address of a new small allocation, of the size of
// Reserve's and Early's own: in the span they worked in.
func nextAllocation() uintptr {
	sink = new([64]byte)
	return uintptr(unsafe.Pointer(sink))
}

// onAdviceHere says whether this process does hugeheap's work (enabled: THP
// "madvise", no GODEBUG=disablethp=1). Where it does not, it runs call and
// checks that nothing got the advice, which ends the test.
func onAdviceHere(t *testing.T, name string, call func()) bool {
	t.Helper()
	if enabled {
		return true
	}
	call()
	if flags := vmFlags(t, nextAllocation()); hasFlag(flags, "hg") {
		t.Errorf("THP mode %q, GODEBUG %q: the heap has the advice after %s: VmFlags %q", thpMode(), os.Getenv("GODEBUG"), name, flags)
	}
	return false
}

// TestNothingUnderDisableTHP runs this test binary again under
// GODEBUG=disablethp=1, where the runtime marks its heap MADV_NOHUGEPAGE:
// after Early and Reserve the heap must still carry that mark and no advice.
func TestNothingUnderDisableTHP(t *testing.T) {
	if os.Getenv("HUGEHEAP_TEST_CHILD") == "1" {
		Early()
		Reserve(8 << 20)
		if flags := vmFlags(t, nextAllocation()); !hasFlag(flags, "nh") || hasFlag(flags, "hg") {
			t.Fatalf("under GODEBUG=disablethp=1, after Early and Reserve: VmFlags %q, want nh and no hg", flags)
		}
		return
	}
	child := exec.Command(os.Args[0], "-test.run=^TestNothingUnderDisableTHP$", "-test.count=1")
	child.Env = append(os.Environ(), "GODEBUG=disablethp=1", "HUGEHEAP_TEST_CHILD=1")
	if out, err := child.CombinedOutput(); err != nil || !bytes.Contains(out, []byte("PASS")) {
		t.Fatalf("the test under GODEBUG=disablethp=1: %v\n%s", err, out)
	}
}

var sink *[64]byte

// inHugePage: the page at addr is present and part of a transparent huge page.
func inHugePage(t *testing.T, addr uintptr) bool {
	t.Helper()
	entry := word(t, "/proc/self/pagemap", int64(addr/uintptr(os.Getpagesize())))
	pfn := entry & (1<<55 - 1)
	if entry>>63 == 0 || pfn == 0 {
		t.Fatalf("pagemap entry %#x for %#x: not present, or no frame number shown (root needed)", entry, addr)
	}
	const kpfTHP = 22
	return word(t, "/proc/kpageflags", int64(pfn))&(1<<kpfTHP) != 0
}

// word is the i-th 64-bit word of a /proc table (pagemap, kpageflags).
func word(t *testing.T, path string, i int64) uint64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var w [8]byte
	if _, err := f.ReadAt(w[:], i*8); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return binary.LittleEndian.Uint64(w[:])
}

// vmstat is a counter of /proc/vmstat.
func vmstat(t *testing.T, name string) int {
	t.Helper()
	b, err := os.ReadFile("/proc/vmstat")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, " "); ok && k == name {
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatalf("no %s in /proc/vmstat", name)
	return 0
}

func TestWanted(t *testing.T) {
	madvise, always := []byte("always [madvise] never\n"), []byte("[always] madvise never\n")
	for _, c := range []struct {
		mode    []byte
		godebug string
		want    bool
	}{
		{madvise, "", true},
		{madvise, "madvdontneed=1", true},
		{madvise, "disablethp=1", false},
		{madvise, "gctrace=1, disablethp=1", false},
		{madvise, "disablethp=0", true},
		{always, "", false},
		{nil, "", false},
	} {
		if got := wanted(c.mode, c.godebug); got != c.want {
			t.Errorf("wanted(%q, %q) = %v, want %v", c.mode, c.godebug, got, c.want)
		}
	}
}
