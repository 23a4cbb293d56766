package oci

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// fakeRuntime is a runtime named name whose binary is a copy of /bin/true.
func fakeRuntime(t testing.TB, name string) *Runtime {
	t.Helper()
	bin := filepath.Join(t.TempDir(), name)
	data, err := os.ReadFile("/bin/true")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	return &Runtime{Name: name, Path: bin, Root: t.TempDir(), Scripts: t.TempDir()}
}

// TestSealedCopy: crun's commands execute a copy of its binary that is
// sealed as crun requires (write, grow, shrink and seal), one per process
// and binary, with argv[0] the binary's path; other runtimes, and commands
// with so many descriptors that os/exec could move one onto the copy's,
// execute the binary itself.
func TestSealedCopy(t *testing.T) {
	r := fakeRuntime(t, "crun")
	cmd := r.command(context.Background(), "", "state", "x")
	s := r.sealed()
	if s == nil || s.f == nil || cmd.Path != s.path() || cmd.Args[0] != r.Path {
		t.Fatalf("command path %q, argv[0] %q; sealed %+v", cmd.Path, cmd.Args[0], s)
	}
	if s.fd < sealedMinFD || s.fd >= 64 {
		t.Errorf("sealed copy on descriptor %d, want %d-63 (clear of os/exec's moves, no larger table)", s.fd, sealedMinFD)
	}
	seals, err := unix.FcntlInt(uintptr(s.fd), unix.F_GET_SEALS, 0)
	if err != nil || seals != sealedSeals {
		t.Errorf("seals %#x, %v; want %#x", seals, err, sealedSeals)
	}
	if _, err := unix.Pwrite(s.fd, []byte("x"), 0); err == nil {
		t.Error("the sealed copy took a write")
	}
	want, _ := os.ReadFile(r.Path)
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	if got, err := io.ReadAll(s.f); err != nil || !bytes.Equal(got, want) {
		t.Errorf("the copy differs from the binary (%d against %d bytes, %v)", len(got), len(want), err)
	}
	if err := cmd.Run(); err != nil {
		t.Errorf("running the sealed copy: %v", err)
	}
	if again := r.command(context.Background(), "", "state", "y"); again.Path != s.path() {
		t.Errorf("a second command runs %q, want the same copy %q", again.Path, s.path())
	}

	crowded := r.command(context.Background(), "", "create", "x")
	crowded.ExtraFiles = make([]*os.File, s.fd/2)
	r.useExec(crowded)
	if crowded.Path != r.Path {
		t.Errorf("with %d extra descriptors the command runs %q, want the binary", len(crowded.ExtraFiles), crowded.Path)
	}

	runc := fakeRuntime(t, "runc")
	if got := runc.command(context.Background(), "", "state", "x").Path; got != runc.Path {
		t.Errorf("runc runs %q, want its binary", got)
	}
	script := filepath.Join(t.TempDir(), "crun")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	wrapper := &Runtime{Name: "crun", Path: script}
	if cmd := wrapper.command(context.Background(), "", "state", "x"); cmd.Path != script || cmd.Run() != nil {
		t.Errorf("a crun that is a script runs %q (want the script itself)", cmd.Path)
	}
	missing := &Runtime{Name: "crun", Path: filepath.Join(t.TempDir(), "crun")}
	if got := missing.command(context.Background(), "", "state", "x").Path; got != missing.Path {
		t.Errorf("an unreadable crun runs %q, want its path (for exec's own error)", got)
	}
}

// TestSealedCopyThroughExtraFiles: a create's descriptors reach the child
// while it runs the sealed copy (os/exec rearranges them below it).
func TestSealedCopyThroughExtraFiles(t *testing.T) {
	r := fakeRuntime(t, "crun")
	cmd := exec.Command(r.Path)
	r.useExec(cmd)
	if cmd.Path == r.Path {
		t.Fatal("no sealed copy")
	}
	sh := &Runtime{Name: "crun", Path: "/bin/sh"} // another binary: its own copy
	f, err := os.CreateTemp(t.TempDir(), "x")
	if err != nil {
		t.Fatal(err)
	}
	check := exec.Command("/bin/sh", "-c", `echo ok >&3`)
	check.ExtraFiles = []*os.File{f, f, f}
	sh.useExec(check)
	if check.Path == "/bin/sh" {
		t.Fatal("no sealed copy of /bin/sh")
	}
	if out, err := check.CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if b, _ := os.ReadFile(f.Name()); string(b) != "ok\n" {
		t.Errorf("descriptor 3 got %q", b)
	}
}

// BenchmarkSealedCopy is what a podunit process that runs crun pays once
// for the sealed copy of crun's binary (this machine's /usr/bin/crun; the
// copy is what each process's first crun command waits for).
func BenchmarkSealedCopy(b *testing.B) {
	bin, err := exec.LookPath("crun")
	if err != nil {
		b.Skip("no crun")
	}
	for b.Loop() {
		f, err := sealedCopy(bin)
		if err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
}
