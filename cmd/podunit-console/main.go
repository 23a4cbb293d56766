// Command podunit-console keeps the pseudo-terminal of a container that
// runs as a systemd unit with -t, for `podunit attach` (see engine/console).
// unit-start starts it with the console socket as descriptor 3 and the
// attach socket as 4; it copies the terminal to its stdout, the unit's
// journal, and ends when the container's side of the terminal is gone.
// With --caller (exec -it) descriptor 5 is its first caller's connection.
// With --wait DIR ARGV... it is instead the waiter of an exec that may
// outlive podunit (console.WaitExec): descriptor 3 is its report pipe, and
// it exits with the process's code.
// It links only engine/console, so it costs about 2.4 MB of memory
// (0.6 MB private) where the podunit binary would cost 22 MB (4 MB).
package main

import (
	"fmt"
	"os"

	"github.com/podunit/podunit/engine/console"
)

func main() {
	if len(os.Args) > 4 && os.Args[2] == "--wait" {
		argv := os.Args[4:]
		if argv[0] == "--" {
			argv = argv[1:]
		}
		code, err := console.WaitExec(os.Args[3], os.NewFile(3, "report"), argv)
		if err != nil {
			fmt.Fprintf(os.Stderr, "podunit-console %s: %v\n", os.Args[1], err)
		}
		os.Exit(code)
	}
	var callers []*os.File
	switch {
	case len(os.Args) == 3 && os.Args[2] == "--caller":
		callers = append(callers, os.NewFile(5, "caller"))
	case len(os.Args) != 2:
		fmt.Fprintln(os.Stderr, "usage: podunit-console CONTAINER-ID [--caller | --wait DIR ARGV...] (run by podunit with descriptors 3 and 4, and 5 with --caller)")
		os.Exit(2)
	}
	if err := console.KeepFiles(os.NewFile(3, "console.sock"), os.NewFile(4, "attach.sock"), os.Stdout, callers...); err != nil {
		fmt.Fprintf(os.Stderr, "podunit-console %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}
