// Command podunit is the CLI of podunit, a daemonless pod engine whose
// containers and pods are systemd units.
package main

import (
	"fmt"
	"os"

	"github.com/podunit/podunit/engine/image"
)

func main() {
	if image.ReexecInit() {
		return
	}
	join := awaitUserns()
	stop := startProfile()
	code := run(os.Args[1:], join)
	stop()
	os.Exit(code)
}

// run executes one command line and returns the process exit code.
func run(args []string, join *os.File) int {
	app := newApp(os.Stdin, os.Stdout, os.Stderr)
	root := app.rootCommand()
	root.SetArgs(args)
	err := root.Execute()
	app.close()
	if err == nil {
		return app.exitCode
	}
	if code, ok := reexitCode(err); ok {
		return code
	}
	if askedToJoin(err, join) {
		return 0
	}
	fmt.Fprintf(os.Stderr, "Error: %s\n", errorText(err))
	return exitCodeOf(err)
}
