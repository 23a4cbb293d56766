package oci

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// fakeCrun is a Runtime named crun whose binary is a file of the test's
// and whose state root is under dir: the cache's keys read only the
// binary's path, size and time.
func fakeCrun(t *testing.T) *Runtime {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "crun")
	if err := os.WriteFile(bin, []byte("#!/bin/false\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return &Runtime{Name: "crun", Path: bin, Root: filepath.Join(dir, "runtime", "crun"), SeccompCache: filepath.Join(dir, "seccomp")}
}

func profileSpec(allow ...string) *specs.Spec {
	return &specs.Spec{Linux: &specs.Linux{Seccomp: &specs.LinuxSeccomp{
		DefaultAction: specs.ActErrno,
		Syscalls:      []specs.LinuxSyscall{{Names: allow, Action: specs.ActAllow}},
	}}}
}

// created plays crun's create of container id: its state keeps prog.
func created(t *testing.T, r *Runtime, id string, prog []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(r.Root, id), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(r.Root, id, "seccomp.bpf"), prog, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestSeccompCacheKeepsAndReusesCrunsProgram(t *testing.T) {
	r := fakeCrun(t)
	prog := bytes.Repeat([]byte{6, 0, 0, 0, 0, 0, 0xff, 0x7f}, 3) // three RET ALLOW
	first, second := t.TempDir(), t.TempDir()

	s := profileSpec("read", "write")
	if err := r.UseSeccompCache(s, first); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Annotations[bpfAnnotation]; ok {
		t.Fatal("an empty cache gave a program")
	}
	created(t, r, "c1", prog)
	r.KeepSeccomp("c1", first)

	s = profileSpec("read", "write")
	if err := r.UseSeccompCache(s, second); err != nil {
		t.Fatal(err)
	}
	got, err := base64.StdEncoding.DecodeString(s.Annotations[bpfAnnotation])
	if err != nil || !bytes.Equal(got, prog) {
		t.Fatalf("the second container's program: %q (%v), want the first's", got, err)
	}
	if _, err := os.Stat(filepath.Join(second, keyFile)); !os.IsNotExist(err) {
		t.Errorf("a bundle served from the cache still asks to keep its program: %v", err)
	}

	other := profileSpec("read")
	if err := r.UseSeccompCache(other, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	if _, ok := other.Annotations[bpfAnnotation]; ok {
		t.Error("another profile got the cached program")
	}
}

func TestSeccompCacheKeyNamesTheBinary(t *testing.T) {
	r := fakeCrun(t)
	s := profileSpec("read")
	k1, ok := r.seccompKey(s)
	if !ok {
		t.Fatal("no key for a plain profile")
	}
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(r.Path, later, later); err != nil {
		t.Fatal(err)
	}
	if k2, _ := r.seccompKey(s); k2 == k1 {
		t.Error("a new crun binary kept the old key")
	}
	s.Annotations = map[string]string{"run.oci.seccomp_fail_unknown_syscall": "1"}
	if k3, _ := r.seccompKey(s); k3 == k1 {
		t.Error("crun's seccomp annotation did not change the key")
	}
}

func TestSeccompCacheLeavesTheRestToTheRuntime(t *testing.T) {
	r := fakeCrun(t)
	runc := &Runtime{Name: "runc", Path: r.Path, Root: r.Root, SeccompCache: r.SeccompCache}
	uncached := &Runtime{Name: "crun", Path: r.Path, Root: r.Root}
	flags := profileSpec("read")
	flags.Linux.Seccomp.Flags = []specs.LinuxSeccompFlag{specs.LinuxSeccompFlagLog}
	listener := profileSpec("read")
	listener.Linux.Seccomp.ListenerPath = "/run/agent.sock"
	notify := profileSpec("read")
	notify.Linux.Seccomp.Syscalls[0].Action = specs.ActNotify
	cases := map[string]struct {
		r *Runtime
		s *specs.Spec
	}{
		"runc":        {runc, profileSpec("read")},
		"no cache":    {uncached, profileSpec("read")},
		"unconfined":  {r, &specs.Spec{Linux: &specs.Linux{}}},
		"filter flag": {r, flags},
		"listener":    {r, listener},
		"notify rule": {r, notify},
	}
	for name, c := range cases {
		if key, ok := c.r.seccompKey(c.s); ok {
			t.Errorf("%s: key %s, want none", name, key)
		}
	}
}

func TestSeccompCacheRefusesWhatIsNoProgram(t *testing.T) {
	r := fakeCrun(t)
	bundle := t.TempDir()
	if err := r.UseSeccompCache(profileSpec("read"), bundle); err != nil {
		t.Fatal(err)
	}
	created(t, r, "c1", []byte("not eight"))
	r.KeepSeccomp("c1", bundle)
	if entries, _ := os.ReadDir(r.SeccompCache); len(entries) != 0 {
		t.Fatalf("a damaged program was kept: %v", entries)
	}
	key, _ := r.seccompKey(profileSpec("read"))
	if err := os.MkdirAll(r.SeccompCache, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(r.SeccompCache, key), []byte{1, 2, 3}, 0o600); err != nil {
		t.Fatal(err)
	}
	s := profileSpec("read")
	if err := r.UseSeccompCache(s, bundle); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Annotations[bpfAnnotation]; ok {
		t.Error("a damaged cache entry was handed to the runtime")
	}
}
