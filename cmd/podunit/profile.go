package main

import (
	"os"
	"runtime/pprof"
)

// startProfile writes a CPU profile of this command to $PODUNIT_CPUPROFILE,
// for finding where a command's time goes (go tool pprof). It returns the
// function that finishes the profile.
func startProfile() func() {
	path := os.Getenv("PODUNIT_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
