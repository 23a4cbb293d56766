package hugeheap

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"os"
	"runtime"
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
	skipUnlessOnAdvice(t)
	Reserve(32 << 20)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	kept := make([][]byte, 0, 256)
	for range 256 { // 16 MiB
		kept = append(kept, make([]byte, 64<<10))
	}
	runtime.ReadMemStats(&after)
	flags := vmFlags(t, uintptr(unsafe.Pointer(unsafe.SliceData(kept[255]))))
	if !strings.Contains(" "+flags+" ", " hg ") {
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
	p := workingPageWhole(t, "Early", Early)
	if flags := vmFlags(t, p); !strings.Contains(" "+flags+" ", " hg ") {
		t.Errorf("the heap's mapping after Early has no huge-page advice: VmFlags %q", flags)
	}
}

// workingPageWhole runs call and checks that a small allocation made next
// lies in a huge page; it returns the allocation's address.
func workingPageWhole(t *testing.T, name string, call func()) uintptr {
	t.Helper()
	skipUnlessOnAdvice(t)
	failedBefore := vmstat(t, "thp_collapse_alloc_failed")
	call()
	p := new([64]byte) // the size of the call's own small allocation: the same span
	sink = p
	at := uintptr(unsafe.Pointer(p))
	if !inHugePage(t, at) {
		if vmstat(t, "thp_collapse_alloc_failed") > failedBefore {
			t.Skip("the kernel had no huge page to collapse into")
		}
		t.Fatalf("the page at %#x, allocated after %s, is not part of a huge page", at, name)
	}
	return at
}

// skipUnlessOnAdvice skips a test of what the package does only where the
// kernel's THP mode is "madvise".
func skipUnlessOnAdvice(t *testing.T) {
	t.Helper()
	if mode := thpMode(); !onAdvice(mode) {
		t.Skipf("THP mode %q: hugeheap does nothing here", mode)
	}
}

var sink *[64]byte

// inHugePage: the page at addr is present and part of a transparent huge page.
func inHugePage(t *testing.T, addr uintptr) bool {
	t.Helper()
	pagemap, err := os.Open("/proc/self/pagemap")
	if err != nil {
		t.Fatal(err)
	}
	defer pagemap.Close()
	var e [8]byte
	if _, err := pagemap.ReadAt(e[:], int64(addr/uintptr(os.Getpagesize()))*8); err != nil {
		t.Fatal(err)
	}
	entry := binary.LittleEndian.Uint64(e[:])
	pfn := entry & (1<<55 - 1)
	if entry>>63 == 0 || pfn == 0 {
		t.Fatalf("pagemap entry %#x for %#x: not present, or no frame number shown (root needed)", entry, addr)
	}
	flags, err := os.Open("/proc/kpageflags")
	if err != nil {
		t.Fatal(err)
	}
	defer flags.Close()
	if _, err := flags.ReadAt(e[:], int64(pfn)*8); err != nil {
		t.Fatal(err)
	}
	const kpfTHP = 22
	return binary.LittleEndian.Uint64(e[:])&(1<<kpfTHP) != 0
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
