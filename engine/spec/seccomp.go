package spec

import (
	"fmt"
	"slices"
	"strconv"
	"sync"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"go.podman.io/common/pkg/seccomp"
	"golang.org/x/sys/unix"
)

// The converter below does what seccomp.GetDefaultProfile does, without the
// cgo and libseccomp that the library's own converter needs (build tag
// "seccomp"). A rule is kept when its includes hold and its excludes do not:
// Includes.Caps all in the bounding set, no Excludes.Caps in it, the host
// architecture in Includes.Arches (when given) and not in Excludes.Arches.
// Like podman, it tests capabilities against the bounding set, not the
// effective one: a non-root process has an empty effective set but may
// regain the bounding set through a setuid binary.
// The profile's minKernel conditions (newer profiles have them) are not
// evaluated: this version of the profile carries none.

// seccompArches maps Go architecture names to the names the profile's
// Includes.Arches and Excludes.Arches use (libseccomp's native names).
var seccompArches = map[string]string{
	"386": "x86", "amd64": "amd64", "arm": "arm", "arm64": "arm64",
	"loong64": "loong64", "mips": "mips", "mipsle": "mipsel", "mips64": "mips64",
	"mips64le": "mipsel64", "ppc64": "ppc64", "ppc64le": "ppc64le",
	"riscv64": "riscv64", "s390x": "s390x",
}

// defaultSeccomp converts podman's default profile for a container whose
// bounding set is bounding, on architecture goarch.
func defaultSeccomp(goarch string, bounding []string) (*specs.LinuxSeccomp, error) {
	return convertSeccomp(seccomp.DefaultProfile(), goarch, bounding)
}

func convertSeccomp(p *seccomp.Seccomp, goarch string, bounding []string) (*specs.LinuxSeccomp, error) {
	out := &specs.LinuxSeccomp{
		DefaultAction:    specs.LinuxSeccompAction(p.DefaultAction),
		Architectures:    seccompArchitectures(p, goarch),
		ListenerPath:     p.ListenerPath,
		ListenerMetadata: p.ListenerMetadata,
	}
	for _, f := range p.Flags {
		out.Flags = append(out.Flags, specs.LinuxSeccompFlag(f))
	}
	var err error
	if out.DefaultErrnoRet, err = errnoValue(p.DefaultErrno, p.DefaultErrnoRet); err != nil {
		return nil, fmt.Errorf("seccomp default errno: %w", err)
	}
	arch := seccompArches[goarch]
	for _, call := range p.Syscalls {
		if !ruleApplies(call, arch, bounding) {
			continue
		}
		rule, err := convertSyscall(call)
		if err != nil {
			return nil, err
		}
		out.Syscalls = append(out.Syscalls, rule)
	}
	return out, nil
}

// seccompArchitectures returns the host's architecture and its
// sub-architectures from the profile's map (amd64: x86_64, x86, x32), or
// the profile's plain list if it has one.
func seccompArchitectures(p *seccomp.Seccomp, goarch string) []specs.Arch {
	var out []specs.Arch
	for _, a := range p.Architectures {
		out = append(out, specs.Arch(a))
	}
	native, err := seccomp.GoArchToSeccompArch(goarch)
	if err != nil {
		return out
	}
	for _, m := range p.ArchMap {
		if m.Arch != native {
			continue
		}
		out = append(out, specs.Arch(m.Arch))
		for _, sub := range m.SubArches {
			out = append(out, specs.Arch(sub))
		}
	}
	return out
}

func ruleApplies(call *seccomp.Syscall, arch string, bounding []string) bool {
	if slices.Contains(call.Excludes.Arches, arch) {
		return false
	}
	if len(call.Includes.Arches) > 0 && !slices.Contains(call.Includes.Arches, arch) {
		return false
	}
	for _, c := range call.Excludes.Caps {
		if slices.Contains(bounding, c) {
			return false
		}
	}
	for _, c := range call.Includes.Caps {
		if !slices.Contains(bounding, c) {
			return false
		}
	}
	return true
}

func convertSyscall(call *seccomp.Syscall) (specs.LinuxSyscall, error) {
	if call.Name != "" && len(call.Names) > 0 {
		return specs.LinuxSyscall{}, fmt.Errorf("seccomp rule %v: both name and names given", call.Names)
	}
	names := slices.Clone(call.Names)
	if call.Name != "" {
		names = []string{call.Name}
	}
	errno, err := errnoValue(call.Errno, call.ErrnoRet)
	if err != nil {
		return specs.LinuxSyscall{}, fmt.Errorf("seccomp rule %v: %w", names, err)
	}
	rule := specs.LinuxSyscall{Names: names, Action: specs.LinuxSeccompAction(call.Action), ErrnoRet: errno}
	for _, a := range call.Args {
		rule.Args = append(rule.Args, specs.LinuxSeccompArg{
			Index: a.Index, Value: a.Value, ValueTwo: a.ValueTwo, Op: specs.LinuxSeccompOperator(a.Op),
		})
	}
	return rule, nil
}

// errnoValue returns the errno named by name ("EPERM" or "1"), else def.
func errnoValue(name string, def *uint) (*uint, error) {
	if name == "" {
		return def, nil
	}
	if n, err := strconv.ParseUint(name, 10, 32); err == nil {
		v := uint(n)
		return &v, nil
	}
	n, ok := errnoNames()[name]
	if !ok {
		return nil, fmt.Errorf("unknown errno %q", name)
	}
	return &n, nil
}

// errnoNames maps "EPERM" and the like to their numbers on this architecture.
var errnoNames = sync.OnceValue(func() map[string]uint {
	m := make(map[string]uint)
	for e := syscall.Errno(1); e < 4096; e++ {
		if name := unix.ErrnoName(e); name != "" {
			m[name] = uint(e)
		}
	}
	return m
})
