package generator

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
)

// Write puts the result's units, drop-ins and symlinks into dir, each
// through a temporary name and a rename where something is in the way, so
// systemd never reads half a unit. It returns the first error but writes
// everything it can. The files are written in parallel: the work is system
// calls.
func (r *Result) Write(dir string) error {
	units := make([]func() error, 0, len(r.Units))
	for _, u := range r.Units {
		units = append(units, func() error { return writeFile(filepath.Join(dir, u.Name), u.Data) })
	}
	rest := make([]func() error, 0, len(r.Dropins)+len(r.Links))
	dirs := map[string]bool{}
	mkdir := func(path string) error {
		if d := filepath.Dir(path); !dirs[d] {
			dirs[d] = true
			return os.MkdirAll(d, 0o755)
		}
		return nil
	}
	for _, u := range r.Dropins {
		path := filepath.Join(dir, u.Name)
		if err := mkdir(path); err != nil {
			return err
		}
		rest = append(rest, func() error { return writeFile(path, u.Data) })
	}
	for _, l := range r.Links {
		path := filepath.Join(dir, l.Path)
		if err := mkdir(path); err != nil {
			return err
		}
		rest = append(rest, func() error { return writeLink(path, l.Target) })
	}
	return parallel(interleave(units, rest))
}

// interleave takes a job from a and one from b in turn: the units go to one
// directory and drop-ins and links to others, and the kernel makes the
// entries of one directory one at a time, so workers that take the jobs in
// this order wait less on each other.
func interleave(a, b []func() error) []func() error {
	out := make([]func() error, 0, len(a)+len(b))
	for i := 0; i < max(len(a), len(b)); i++ {
		if i < len(a) {
			out = append(out, a[i])
		}
		if i < len(b) {
			out = append(out, b[i])
		}
	}
	return out
}

// parallel runs the jobs on a few goroutines (the work is system calls)
// and returns the first error in job order.
func parallel(jobs []func() error) error {
	errs := make([]error, len(jobs))
	workers := min(2*runtime.GOMAXPROCS(0), 8, len(jobs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < len(jobs); i = int(next.Add(1)) - 1 {
				errs[i] = jobs[i]()
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func tmpName(path string) string {
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp"+strconv.Itoa(os.Getpid()))
}

func writeFile(path string, data []byte) error {
	// systemd hands generators empty directories, so where no file is in
	// the way the unit is written in place; a generator that dies halfway
	// leaves a directory the next run (daemon-reload) gets afresh.
	if err := createExclusive(path, data); !errors.Is(err, os.ErrExist) {
		return err
	}
	tmp := tmpName(path)
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return nil
}

func writeLink(path, target string) error {
	// A symlink comes into being whole, so where none is in the way (the
	// usual case: systemd hands generators empty directories) one call does.
	if err := os.Symlink(target, path); err == nil || !errors.Is(err, os.ErrExist) {
		return err
	}
	tmp := tmpName(path)
	if err := os.Symlink(target, tmp); err != nil {
		_ = os.Remove(tmp)
		if err = os.Symlink(target, tmp); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return nil
}

// Print writes the result as --dryrun shows it: each unit, then each
// drop-in, under a "---NAME---" line, then each symlink as
// "---PATH -> TARGET---".
func (r *Result) Print(w io.Writer) error {
	for _, files := range [][]Output{r.Units, r.Dropins} {
		for _, u := range files {
			if _, err := fmt.Fprintf(w, "---%s---\n%s\n", u.Name, u.Data); err != nil {
				return err
			}
		}
	}
	for _, l := range r.Links {
		if _, err := fmt.Fprintf(w, "---%s -> %s---\n", l.Path, l.Target); err != nil {
			return err
		}
	}
	return nil
}
