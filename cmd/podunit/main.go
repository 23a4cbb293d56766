// Command podunit is the CLI of podunit, a daemonless pod engine whose
// containers and pods are systemd units.
package main

import (
	"errors"
	"fmt"
	"os"
	"runtime/debug"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/image"
	_ "github.com/podunit/podunit/internal/hugeheap/early"
)

func main() {
	if image.ReexecInit() {
		return
	}
	takeHotBinary()
	join := awaitUserns()
	setGCPercent()
	stop := startProfile()
	code := run(os.Args[1:], join)
	stop()
	os.Exit(code)
}

// run executes one command line and returns the process exit code.
func run(args []string, join *os.File) int {
	app := newApp(os.Stdin, os.Stdout, os.Stderr)
	var err error
	if root := app.rootCommandFor(args); root == nil { // a hot-path binary without this verb
		err = execFull(args)
	} else {
		root.SetArgs(args)
		err = root.Execute()
		app.close()
		if errors.Is(err, errdefs.ErrFullBinary) {
			err = execFull(args)
		}
		if app.outside {
			err = leaveOutside(err)
		}
	}
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

// cliGCPercent is the garbage collector's target for a podunit command: a
// command lives for milliseconds with a heap of a few megabytes, so Go's
// default (100) spends collections on garbage the exit frees anyway; two
// collections per `run --rm` at 100, none at 400. GOGC in the environment
// still wins, as for any Go program.
const cliGCPercent = 400

func setGCPercent() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(cliGCPercent)
	}
}
