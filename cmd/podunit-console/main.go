// Command podunit-console keeps the pseudo-terminal of a container that
// runs as a systemd unit with -t, for `podunit attach` (see engine/console).
// unit-start starts it with the console socket as descriptor 3 and the
// attach socket as 4; it copies the terminal to its stdout, the unit's
// journal, and ends when the container's side of the terminal is gone.
// With --caller (exec -it) descriptor 5 is its first caller's connection.
// It links only engine/console, so it costs about 2.4 MB of memory
// (0.6 MB private) where the podunit binary would cost 22 MB (4 MB).
package main

import (
	"fmt"
	"os"

	"github.com/podunit/podunit/engine/console"
)

func main() {
	var callers []*os.File
	switch {
	case len(os.Args) == 3 && os.Args[2] == "--caller":
		callers = append(callers, os.NewFile(5, "caller"))
	case len(os.Args) != 2:
		fmt.Fprintln(os.Stderr, "usage: podunit-console CONTAINER-ID [--caller] (run by podunit with descriptors 3 and 4, and 5 with --caller)")
		os.Exit(2)
	}
	if err := console.KeepFiles(os.NewFile(3, "console.sock"), os.NewFile(4, "attach.sock"), os.Stdout, callers...); err != nil {
		fmt.Fprintf(os.Stderr, "podunit-console %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}
