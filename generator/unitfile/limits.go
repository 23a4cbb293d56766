package unitfile

import "fmt"

// MaxLine is the longest line systemd reads in a unit file (LONG_LINE_MAX,
// 1 MiB, with its newline): a longer one leaves the unit LoadState=error.
const MaxLine = 1 << 20

// MaxArg is the longest single argument Linux passes to a program
// (MAX_ARG_STRLEN, 32 pages, with its NUL): a longer one fails execve
// with E2BIG when systemd starts the command.
const MaxArg = 32*4096 - 1

// CheckLines refuses a file with a line systemd would not read: each
// KEY=VALUE with its newline must fit in MaxLine.
func CheckLines(f *File) error {
	for _, s := range f.Sections {
		for _, e := range s.Entries {
			if n := len(e.Key) + len(e.Value) + 2; n > MaxLine {
				return fmt.Errorf("[%s] %s= would be a line of %d bytes, more than systemd reads (%d)", s.Name, e.Key, n, MaxLine)
			}
		}
	}
	return nil
}
