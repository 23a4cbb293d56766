package locks

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// Options bound and report the wait for a lock another process holds.
type Options struct {
	// Timeout ends a wait with ErrConflict naming the holder; 0 waits
	// as long as the caller's context allows.
	Timeout time.Duration
	// NoticeAfter is how long a wait goes on before OnWait hears of it.
	NoticeAfter time.Duration
	// OnWait, if set, is told once per wait who holds the lock.
	OnWait func(Holder)
}

// Holder is a lock and the process that holds it, as /proc/locks says.
type Holder struct {
	ID      string // the lock's name
	Pid     int    // 0 if unknown
	Command string // the holder's command line, shortened; "" if unknown
	How     string // how it holds the object where not by the lock (AwaitRelease)
}

// Holding is how h holds its object: "locked", or its How.
func (h Holder) Holding() string {
	if h.How == "" {
		return "locked"
	}
	return h.How
}

func (h Holder) String() string {
	switch {
	case h.Pid == 0:
		return "another process"
	case h.Command == "":
		return "process " + strconv.Itoa(h.Pid)
	}
	return fmt.Sprintf("process %d (%s)", h.Pid, h.Command)
}

// ProcessHolder is id's holder, process pid, with its command line: for a
// caller that knows who holds an object by other means than the lock.
func ProcessHolder(id string, pid int) Holder {
	return Holder{ID: id, Pid: pid, Command: commandOf(pid)}
}

// holderOf finds who holds an flock on f's file: the FLOCK line of
// /proc/locks (not a "->" waiter line) with f's device and inode.
func holderOf(id string, f *os.File) Holder {
	h := Holder{ID: id}
	var st unix.Stat_t
	if unix.Fstat(int(f.Fd()), &st) != nil {
		return h
	}
	want := fmt.Sprintf("%02x:%02x:%d", unix.Major(st.Dev), unix.Minor(st.Dev), st.Ino)
	b, err := os.ReadFile("/proc/locks")
	if err != nil {
		return h
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		fl := strings.Fields(sc.Text())
		if len(fl) >= 6 && fl[1] == "FLOCK" && fl[5] == want {
			h.Pid, _ = strconv.Atoi(fl[4])
			h.Command = commandOf(h.Pid)
			return h
		}
	}
	return h
}

// commandOf is pid's command line, spaces for NULs, cut to 80 bytes.
func commandOf(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil {
		return ""
	}
	s := strings.TrimSpace(string(bytes.ReplaceAll(b, []byte{0}, []byte{' '})))
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}
