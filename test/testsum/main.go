// Command testsum reads `go test -json` on stdin and prints what plain
// `go test` would (each package's result line, build errors, the whole
// output of every failed test), then a table of the slowest tests, so a CI
// log shows where the run's time went. It exits 1 when any test, package
// or build failed, or when the stream ended with a test still running (a
// crash or a timeout): its output is printed too.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// event is one line of test2json's stream.
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
	Elapsed float64
}

// timing is one finished top-level test.
type timing struct {
	pkg, test string
	elapsed   time.Duration
}

type summary struct {
	out     io.Writer
	running map[string][]string // package + "\x00" + test → its output so far
	order   []string            // running keys in start order
	times   []timing
	failed  bool
}

func main() {
	s := &summary{out: os.Stdout, running: map[string][]string{}}
	if err := s.read(os.Stdin); err != nil {
		fmt.Fprintln(os.Stderr, "testsum:", err)
		os.Exit(1)
	}
	s.flushUnfinished("")
	s.slowest(25)
	if s.failed {
		os.Exit(1)
	}
}

func (s *summary) read(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var ev event
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			fmt.Fprintln(s.out, sc.Text()) // not ours: go's own message
			continue
		}
		s.handle(ev)
	}
	return sc.Err()
}

func (s *summary) handle(ev event) {
	key := ev.Package + "\x00" + ev.Test
	switch {
	case ev.Test == "":
		s.packageEvent(ev)
		if ev.Action == "fail" {
			s.flushUnfinished(ev.Package) // a timeout's panic: its tests never end
		}
	case ev.Action == "run":
		s.running[key] = nil
		s.order = append(s.order, key)
	case ev.Action == "output":
		if !strings.HasPrefix(ev.Output, "=== ") {
			s.running[key] = append(s.running[key], ev.Output)
		}
	case ev.Action == "pass" || ev.Action == "skip" || ev.Action == "fail":
		if ev.Action == "fail" {
			s.failed = true
			fmt.Fprint(s.out, strings.Join(s.running[key], ""))
		}
		delete(s.running, key)
		if !strings.Contains(ev.Test, "/") && ev.Action != "skip" {
			s.times = append(s.times, timing{ev.Package, ev.Test, seconds(ev.Elapsed)})
		}
	}
}

// packageEvent prints a package's own lines as plain go test does
// (without the bare PASS), and notes a failed package or build.
func (s *summary) packageEvent(ev event) {
	switch ev.Action {
	case "output", "build-output":
		if ev.Output != "PASS\n" {
			fmt.Fprint(s.out, ev.Output)
		}
	case "fail", "build-fail":
		s.failed = true
	}
}

// flushUnfinished prints the output of tests that never ended (of
// package pkg, or of every package when pkg is ""): their binary crashed
// or timed out while they ran.
func (s *summary) flushUnfinished(pkg string) {
	for _, key := range s.order {
		lines, ok := s.running[key]
		p, test, _ := strings.Cut(key, "\x00")
		if !ok || pkg != "" && p != pkg {
			continue
		}
		s.failed = true
		delete(s.running, key)
		fmt.Fprintf(s.out, "--- UNFINISHED: %s (%s)\n%s", test, p, strings.Join(lines, ""))
	}
}

// slowest prints the n slowest top-level tests as an aligned table.
func (s *summary) slowest(n int) {
	if len(s.times) == 0 {
		return
	}
	sort.SliceStable(s.times, func(i, j int) bool { return s.times[i].elapsed > s.times[j].elapsed })
	var total time.Duration
	for _, t := range s.times {
		total += t.elapsed
	}
	fmt.Fprintf(s.out, "\nslowest tests (of %d, %s in all):\n", len(s.times), total.Round(time.Second))
	w := tabwriter.NewWriter(s.out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "SECONDS\tPACKAGE\tTEST")
	for _, t := range s.times[:min(n, len(s.times))] {
		fmt.Fprintf(w, "%7.1f\t%s\t%s\n", t.elapsed.Seconds(), strings.TrimPrefix(t.pkg, "github.com/podunit/podunit/"), t.test)
	}
	_ = w.Flush()
}

func seconds(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }
