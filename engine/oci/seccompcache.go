package oci

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podunit/podunit/internal/atomicfile"
)

// crun compiles the spec's seccomp profile into a BPF program with
// libseccomp on every create: about half of a bare `crun run` here (see
// docs/PERFORMANCE.md). It also takes a program already compiled, as base64
// in the annotation bpfAnnotation, and then skips its own compiler and the
// spec's seccomp section. The first container with a profile leaves the
// program crun made in its state directory (seccomp.bpf, which crun keeps
// for exec); it is kept in Runtime.SeccompCache, under a key naming the
// profile and the crun binary, for the next containers with the same
// profile. The engine keeps it under the run root, gone at boot. runc
// takes no such program, so only crun uses the cache.
const (
	bpfAnnotation = "run.oci.seccomp_bpf_data"
	// keyFile, in a bundle whose program was not cached yet, names the
	// key under which the program crun makes for it is kept.
	keyFile = "seccomp.key"
	// seccompPrefix begins crun's annotations that change the program.
	seccompPrefix = "run.oci.seccomp"
)

// UseSeccompCache prepares s, about to be written into bundle, for the
// cache: a program compiled before for the same profile goes into the
// annotation; without one, the bundle gets the key under which the program
// crun makes is kept (by KeepSeccomp after the create). A profile that
// needs more than the program (filter flags, a listener) is left to crun.
func (r *Runtime) UseSeccompCache(s *specs.Spec, bundle string) error {
	_ = os.Remove(filepath.Join(bundle, keyFile))
	key, ok := r.seccompKey(s)
	if !ok {
		return nil
	}
	if prog, err := os.ReadFile(filepath.Join(r.SeccompCache, key)); err == nil && validProgram(prog) {
		if s.Annotations == nil {
			s.Annotations = map[string]string{}
		}
		s.Annotations[bpfAnnotation] = base64.StdEncoding.EncodeToString(prog)
		return nil
	}
	return atomicfile.WriteVolatile(filepath.Join(bundle, keyFile), []byte(key), 0o600)
}

// seccompKey names s's profile as crun compiles it: the profile, crun's
// annotations that change the program, and the crun binary (path, size,
// time), so that a new crun compiles afresh.
func (r *Runtime) seccompKey(s *specs.Spec) (string, bool) {
	if r.Name != "crun" || r.SeccompCache == "" || s.Linux == nil || s.Linux.Seccomp == nil {
		return "", false
	}
	sc := s.Linux.Seccomp
	if len(sc.Flags) > 0 || sc.ListenerPath != "" || s.Annotations[bpfAnnotation] != "" || notifies(sc) {
		return "", false
	}
	fi, err := os.Stat(r.Path)
	if err != nil {
		return "", false
	}
	profile, err := json.Marshal(sc)
	if err != nil {
		return "", false
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%d\x00%d\x00", r.Path, fi.Size(), fi.ModTime().UnixNano())
	for _, k := range slices.Sorted(maps.Keys(s.Annotations)) {
		if strings.HasPrefix(k, seccompPrefix) {
			fmt.Fprintf(h, "%s=%s\x00", k, s.Annotations[k])
		}
	}
	h.Write(profile)
	return hex.EncodeToString(h.Sum(nil)), true
}

// KeepSeccomp keeps the program crun compiled for container id, when its
// bundle asked for that (UseSeccompCache found none). The program is in the
// runtime's state while the container exists; a container that is gone
// already (a short `run --rm`) leaves it to the next one. Nothing here can
// fail the container: a program not kept is compiled again next time.
func (r *Runtime) KeepSeccomp(id, bundle string) {
	key, err := os.ReadFile(filepath.Join(bundle, keyFile))
	if err != nil || len(key) != sha256.Size*2 {
		return
	}
	prog, err := os.ReadFile(filepath.Join(r.Root, id, "seccomp.bpf"))
	if err != nil || !validProgram(prog) {
		return
	}
	dir := r.SeccompCache
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return
	}
	_ = atomicfile.WriteVolatile(filepath.Join(dir, string(key)), prog, 0o600)
}

// validProgram reports whether prog can be a classic BPF program: whole
// 8-byte instructions, at least one, at most the kernel's 4096.
func validProgram(prog []byte) bool {
	return len(prog) > 0 && len(prog)%8 == 0 && len(prog)/8 <= 4096
}

// notifies reports whether a rule hands syscalls to a listener.
func notifies(sc *specs.LinuxSeccomp) bool {
	if sc.DefaultAction == specs.ActNotify {
		return true
	}
	return slices.ContainsFunc(sc.Syscalls, func(r specs.LinuxSyscall) bool { return r.Action == specs.ActNotify })
}
