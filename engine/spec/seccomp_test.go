package spec

import (
	"slices"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"go.podman.io/common/pkg/seccomp"
	"golang.org/x/sys/unix"
)

// unconditionalAction returns the action of the argument-free rule that
// names syscall, or the default action.
func unconditionalAction(s *specs.LinuxSeccomp, syscall string) specs.LinuxSeccompAction {
	for _, r := range s.Syscalls {
		if len(r.Args) == 0 && slices.Contains(r.Names, syscall) {
			return r.Action
		}
	}
	return s.DefaultAction
}

func TestSeccompDefaults(t *testing.T) {
	s := mustGenerate(t, testInput(t)).Linux.Seccomp
	if s == nil {
		t.Fatal("no seccomp profile")
	}
	if s.DefaultAction != specs.ActErrno || s.DefaultErrnoRet == nil || *s.DefaultErrnoRet != uint(unix.ENOSYS) {
		t.Errorf("default action %s errno %v, want SCMP_ACT_ERRNO ENOSYS", s.DefaultAction, s.DefaultErrnoRet)
	}
	want := []specs.Arch{specs.ArchX86_64, specs.ArchX86, specs.ArchX32}
	if !slices.Equal(s.Architectures, want) {
		t.Errorf("architectures = %v, want %v", s.Architectures, want)
	}
	for _, r := range s.Syscalls {
		if r.Action == specs.ActErrno && r.ErrnoRet == nil {
			t.Errorf("rule %v: errno action without errnoRet", r.Names)
		}
	}
}

func TestSeccompFollowsCapabilities(t *testing.T) {
	tests := []struct {
		name      string
		user      string
		add, drop []string
		syscall   string
		allowed   bool
	}{
		{name: "read", syscall: "read", allowed: true},
		{name: "clone3", syscall: "clone3", allowed: true},
		{name: "kexec_load", syscall: "kexec_load", allowed: false},
		// podman's profile, unlike Docker's, refuses kexec_load even with CAP_SYS_BOOT.
		{name: "kexec_load with SYS_BOOT", add: []string{"SYS_BOOT"}, syscall: "kexec_load", allowed: false},
		// podman's profile allows mount and ptrace; capabilities guard them.
		{name: "mount", syscall: "mount", allowed: true},
		{name: "quotactl", syscall: "quotactl", allowed: false},
		{name: "quotactl with SYS_ADMIN", add: []string{"SYS_ADMIN"}, syscall: "quotactl", allowed: true},
		{name: "init_module", syscall: "init_module", allowed: false},
		{name: "init_module with SYS_MODULE", add: []string{"sys_module"}, syscall: "init_module", allowed: true},
		{name: "chroot", syscall: "chroot", allowed: true},
		{name: "chroot without SYS_CHROOT", drop: []string{"SYS_CHROOT"}, syscall: "chroot", allowed: false},
		{name: "chroot for a non-root user", user: "1000", syscall: "chroot", allowed: true},
		{name: "kcmp", syscall: "kcmp", allowed: false},
		{name: "kcmp with SYS_PTRACE", add: []string{"SYS_PTRACE"}, syscall: "kcmp", allowed: true},
		{name: "privileged has none", add: []string{"ALL"}, syscall: "init_module", allowed: true},
		{name: "arch_prctl on amd64", syscall: "arch_prctl", allowed: true},
		{name: "bpf", syscall: "bpf", allowed: false},
		{name: "bpf with BPF", add: []string{"BPF"}, syscall: "bpf", allowed: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := testInput(t)
			in.User, in.CapAdd, in.CapDrop = tt.user, tt.add, tt.drop
			s := mustGenerate(t, in).Linux.Seccomp
			got := unconditionalAction(s, tt.syscall) == specs.ActAllow
			if got != tt.allowed {
				t.Errorf("%s allowed = %v, want %v", tt.syscall, got, tt.allowed)
			}
		})
	}
}

func TestSeccompArchitectures(t *testing.T) {
	tests := []struct {
		goarch string
		want   []specs.Arch
	}{
		{"amd64", []specs.Arch{specs.ArchX86_64, specs.ArchX86, specs.ArchX32}},
		{"arm64", []specs.Arch{specs.ArchAARCH64, specs.ArchARM}},
		{"s390x", []specs.Arch{specs.ArchS390X, specs.ArchS390}},
		{"riscv64", nil}, // not in the profile's map: the runtime's native arch only
	}
	for _, tt := range tests {
		s, err := defaultSeccomp(tt.goarch, DefaultCapabilities())
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(s.Architectures, tt.want) {
			t.Errorf("%s: architectures = %v, want %v", tt.goarch, s.Architectures, tt.want)
		}
		// arch_prctl is allowed for amd64 and x32 only.
		amd := unconditionalAction(s, "arch_prctl") == specs.ActAllow
		if amd != (tt.goarch == "amd64") {
			t.Errorf("%s: arch_prctl allowed = %v", tt.goarch, amd)
		}
	}
}

func TestConvertSeccompRules(t *testing.T) {
	eperm := uint(1)
	p := &seccomp.Seccomp{
		DefaultAction: seccomp.ActErrno,
		DefaultErrno:  "EPERM",
		Syscalls: []*seccomp.Syscall{
			{Name: "one", Action: seccomp.ActAllow},
			{Names: []string{"two"}, Action: seccomp.ActErrno, Errno: "EACCES"},
			{Names: []string{"three"}, Action: seccomp.ActErrno, ErrnoRet: &eperm},
			{Names: []string{"four"}, Action: seccomp.ActAllow, Excludes: seccomp.Filter{Arches: []string{"amd64"}}},
			{Names: []string{"five"}, Action: seccomp.ActAllow, Includes: seccomp.Filter{Caps: []string{"CAP_KILL", "CAP_SYS_ADMIN"}}},
			{Names: []string{"six"}, Action: seccomp.ActAllow, Args: []*seccomp.Arg{{Index: 1, Value: 2, Op: seccomp.OpMaskedEqual}}},
		},
	}
	s, err := convertSeccomp(p, "amd64", []string{"CAP_KILL"})
	if err != nil {
		t.Fatal(err)
	}
	if *s.DefaultErrnoRet != uint(unix.EPERM) {
		t.Errorf("default errno = %d", *s.DefaultErrnoRet)
	}
	var names []string
	for _, r := range s.Syscalls {
		names = append(names, r.Names...)
	}
	if want := []string{"one", "two", "three", "six"}; !slices.Equal(names, want) {
		t.Fatalf("rules kept = %v, want %v", names, want)
	}
	if *s.Syscalls[1].ErrnoRet != uint(unix.EACCES) || *s.Syscalls[2].ErrnoRet != eperm {
		t.Errorf("errnos = %d, %d", *s.Syscalls[1].ErrnoRet, *s.Syscalls[2].ErrnoRet)
	}
	if a := s.Syscalls[3].Args; len(a) != 1 || a[0].Op != specs.OpMaskedEqual || a[0].Index != 1 || a[0].Value != 2 {
		t.Errorf("args = %+v", a)
	}

	p.Syscalls = []*seccomp.Syscall{{Name: "a", Names: []string{"b"}, Action: seccomp.ActAllow}}
	if _, err := convertSeccomp(p, "amd64", nil); err == nil {
		t.Error("name and names together: no error")
	}
	p.Syscalls = []*seccomp.Syscall{{Name: "a", Action: seccomp.ActErrno, Errno: "EWHAT"}}
	if _, err := convertSeccomp(p, "amd64", nil); err == nil {
		t.Error("unknown errno: no error")
	}
}
