// Command podunit-generator is podunit's systemd generator (see
// systemd.generator(7)): it turns .container, .pod, .volume, .network and
// .image files into service units at boot and at every daemon-reload.
//
//	podunit-generator [--user] [--dryrun] NORMAL_DIR [EARLY_DIR LATE_DIR]
//
// Installed as a user generator (argv[0] containing "user") or run with
// --user, it reads the user's search path.
package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/podunit/podunit/generator"
	"github.com/podunit/podunit/internal/hugeheap"
	_ "github.com/podunit/podunit/internal/hugeheap/early"
)

func main() {
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		// A generator runs for tens of milliseconds with a heap of a few
		// megabytes per thousand units: collect only near a bound, not six
		// times on the way (GOGC and GOMEMLIMIT in the environment win).
		debug.SetGCPercent(-1)
		debug.SetMemoryLimit(256 << 20)
	}
	os.Exit(run(os.Args, os.Stdout, os.Stderr))
}

func run(argv []string, stdout, stderr io.Writer) int {
	user := strings.Contains(argv[0], "user")
	dryrun := false
	var dirs []string
	for _, a := range argv[1:] {
		switch a {
		case "--user", "-user":
			user = true
		case "--dryrun", "-dryrun":
			dryrun = true
		default:
			dirs = append(dirs, a)
		}
	}
	if !dryrun && len(dirs) != 1 && len(dirs) != 3 {
		fmt.Fprintln(stderr, "usage: podunit-generator [--user] [--dryrun] NORMAL_DIR [EARLY_DIR LATE_DIR]")
		return 2
	}
	logw, closeLog := io.Writer(stderr), func() {}
	if !dryrun {
		logw, closeLog = generator.KmsgWriter(stderr)
	}
	defer closeLog()
	home, _ := os.UserHomeDir()
	cfg := generator.DefaultConfig(user, generator.Env{Getenv: os.Getenv, UID: os.Getuid(), Home: home})
	cfg.Scanned = reserveHeap
	res, err := generator.Generate(cfg)
	if err != nil {
		fmt.Fprintln(logw, err)
		return 1
	}
	for _, e := range res.Errors {
		fmt.Fprintln(logw, e)
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(logw, "warning:", w)
	}
	if dryrun {
		err = res.Print(stdout)
	} else {
		err = res.Write(dirs[0])
	}
	if err != nil {
		fmt.Fprintln(logw, err)
		return 1
	}
	if len(res.Errors) > 0 {
		return 1
	}
	return 0
}

// heapPerSource is about what the generator allocates per source file
// (BenchmarkGenerate: 8.4 MB for 1000 .container files, 8.9 MB for 300 pods
// of three), with room.
const heapPerSource = 16 << 10

// reserveHeap has a generator of many sources take its heap in huge pages
// (hugeheap): about 2000 fewer page faults at 1000 sources, for one early
// collection that a handful of sources would not repay.
func reserveHeap(sources int) {
	if sources >= hugeHeapSources {
		hugeheap.Reserve(sources * heapPerSource)
	}
}

// hugeHeapSources is the fewest sources reserveHeap reserves for.
const hugeHeapSources = 100
