package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFullBinaryFor(t *testing.T) {
	root := t.TempDir()
	bin := filepath.Join(root, "usr", "bin")
	libexec := filepath.Join(root, "usr", "libexec", "podunit")
	for _, d := range []string{bin, libexec} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	self := filepath.Join(bin, "podunit")
	_, err := fullBinaryFor(self)
	if err == nil || !strings.Contains(err.Error(), filepath.Join(bin, "podunit-full")) ||
		!strings.Contains(err.Error(), "libexec/podunit/podunit-full") {
		t.Fatalf("no podunit-full anywhere: %v, want an error naming both places", err)
	}
	installed := filepath.Join(libexec, "podunit-full")
	if err := os.WriteFile(installed, []byte("#!/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := fullBinaryFor(self); err == nil {
		t.Fatal("a podunit-full that is not executable was taken")
	}
	if err := os.Chmod(installed, 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := fullBinaryFor(self); err != nil || filepath.Clean(got) != installed {
		t.Fatalf("packaged layout: %q, %v; want %s", got, err, installed)
	}
	beside := filepath.Join(bin, "podunit-full")
	if err := os.WriteFile(beside, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := fullBinaryFor(self); err != nil || got != beside {
		t.Fatalf("build tree: %q, %v; want %s (beside comes first)", got, err, beside)
	}
}

func TestTakeHotBinary(t *testing.T) {
	t.Setenv(envHotBinary, "/usr/bin/podunit")
	defer func() { hotBinary = "" }()
	takeHotBinary()
	if hotBinary != "/usr/bin/podunit" {
		t.Fatalf("hotBinary = %q", hotBinary)
	}
	if v, ok := os.LookupEnv(envHotBinary); ok {
		t.Fatalf("%s is still set (%q): a container with --env-host would inherit it", envHotBinary, v)
	}
	if got, err := unitBinary(); err != nil || got != "/usr/bin/podunit" {
		t.Fatalf("unitBinary = %q, %v; want the hot binary", got, err)
	}
}
