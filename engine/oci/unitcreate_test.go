package oci

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestUnitCreate: a unit's create is a shell line that executes the link in
// the bundle (to crun's sealed copy; another runtime's binary) with the
// create's arguments while the link exists, and the fallback once Close has
// removed it. The runtime's log is a descriptor of this process's, from
// which Error reads its reason (exec failures classified), jobErr where it
// wrote none.
func TestUnitCreate(t *testing.T) {
	for _, name := range []string{"crun", "runc"} {
		t.Run(name, func(t *testing.T) {
			r := fakeRuntime(t, name)
			// the runtime prints its arguments instead of creating
			if err := os.WriteFile(r.Path, []byte("#!/bin/sh\necho runtime \"$@\"\n"), 0o755); err != nil {
				t.Fatal(err)
			}
			bundle := t.TempDir()
			if err := os.WriteFile(filepath.Join(bundle, PidFileName), []byte("1"), 0o600); err != nil {
				t.Fatal(err)
			}
			u, err := r.UnitCreate("ctr1", bundle, []string{"/bin/echo", "fallback", "ctr1"})
			if err != nil {
				t.Fatal(err)
			}
			defer u.Close()
			if _, err := os.Stat(u.PidFile); !os.IsNotExist(err) {
				t.Errorf("an earlier pid file is left (%v)", err)
			}
			// a script gets no sealed copy (sealed.go): the link is to the
			// binary through this process's root, so it resolves only while
			// this process lives
			wantTarget := fmt.Sprintf("/proc/%d/root%s", os.Getpid(), r.Path)
			if target, err := os.Readlink(filepath.Join(bundle, UnitExeLink)); err != nil || target != wantTarget {
				t.Errorf("link to %q (%v), want %q", target, err, wantTarget)
			}
			if target, _ := os.Readlink(filepath.Join(bundle, UnitExeLink)); UnitCreateStarter(target) != os.Getpid() {
				t.Errorf("the link %q names starter %d, want this process %d", target, UnitCreateStarter(target), os.Getpid())
			}
			checkSurvivesSystemd(t, u.Argv)
			if !IsUnitCreate(u.Argv, "ctr1") || IsUnitCreate(u.Argv, "ctr2") || IsUnitCreate(u.Argv[2:], "ctr1") {
				t.Errorf("IsUnitCreate does not tell the line %v for ctr1 alone", u.Argv)
			}
			run := func() string { return runLine(t, u.Argv) }
			want := "runtime --root " + r.Root + " --log-format=json --log=" + u.Argv[5] + " create --bundle " + bundle +
				" --pid-file " + u.PidFile + " ctr1\n"
			if got := run(); got != want {
				t.Errorf("with the link: %q, want %q", got, want)
			}
			jobErr := errors.New("job failed")
			if err := u.Error(name, jobErr); err != jobErr {
				t.Errorf("no log: %v", err)
			}
			line := `{"msg": "executable file ` + "`/nope`" + ` not found in $PATH: No such file or directory", "level": "error"}` + "\n"
			if err := os.WriteFile(u.Argv[5], []byte(line), 0o600); err != nil { // as the runtime opens it
				t.Fatal(err)
			}
			if x, ok := IsExecError(u.Error(name, jobErr)); !ok || x.Code != 127 || !strings.Contains(x.Msg, "/nope") {
				t.Errorf("a logged exec failure: %v", u.Error(name, jobErr))
			}
			u.Close()
			if left, _ := filepath.Glob(filepath.Join(bundle, UnitExeLink+"*")); len(left) != 0 {
				t.Errorf("links left after Close: %v", left)
			}
			if got := run(); got != "fallback ctr1\n" {
				t.Errorf("without the link: %q", got)
			}
			if err := u.Error(name, jobErr); err != jobErr {
				t.Errorf("after Close: %v", err)
			}
		})
	}
	// crun's link is to this process's sealed copy of its binary
	r := fakeRuntime(t, "crun")
	u, err := r.UnitCreate("ctr2", t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	for _, link := range u.links {
		if target, err := os.Readlink(link); err != nil || target != fmt.Sprintf("/proc/%d/fd/%d", os.Getpid(), r.sealed().fd) {
			t.Errorf("crun's link %s to %q (%v)", link, target, err)
		}
	}
}

// TestUnitCreateOldLineFallsBack: the line of an earlier start of a unit
// still loaded, started again by name while a newer start's links are in
// the bundle, runs the fallback, not the newer link with its own (gone)
// log; the newer line runs its link. RemoveUnitLinks leaves none.
func TestUnitCreateOldLineFallsBack(t *testing.T) {
	r := fakeRuntime(t, "runc")
	if err := os.WriteFile(r.Path, []byte("#!/bin/sh\necho runtime\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	bundle := t.TempDir()
	old, err := r.UnitCreate("ctr1", bundle, []string{"/bin/echo", "fallback"})
	if err != nil {
		t.Fatal(err)
	}
	oldArgv := old.Argv
	old.Close()
	newer, err := r.UnitCreate("ctr1", bundle, []string{"/bin/echo", "fallback"})
	if err != nil {
		t.Fatal(err)
	}
	defer newer.Close()
	run := func(argv []string) string { return runLine(t, argv) }
	if got := run(oldArgv); got != "fallback\n" {
		t.Errorf("the earlier start's line with a newer start's links: %q, want the fallback", got)
	}
	if got := run(newer.Argv); got != "runtime\n" {
		t.Errorf("the newer start's line: %q, want its runtime", got)
	}
	if oldArgv[2] == newer.Argv[2] {
		t.Errorf("two starts share the link %s", oldArgv[2])
	}
	RemoveUnitLinks(bundle)
	if left, _ := filepath.Glob(filepath.Join(bundle, UnitExeLink+"*")); len(left) != 0 {
		t.Errorf("RemoveUnitLinks left %v", left)
	}
}

// runLine runs a unit's create line as systemd would, and returns its output.
func runLine(t *testing.T, argv []string) string {
	t.Helper()
	out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %v: %s", argv, err, out)
	}
	return string(out)
}

// checkSurvivesSystemd fails t unless argv is one systemd runs as given and
// keeps through a daemon-reload: no "$" (which it expands; up to v252 it
// also writes one into the transient unit file as "\$", which its parser
// rejects) and no ";" (written as "\;", rejected alike).
func checkSurvivesSystemd(t *testing.T, argv []string) {
	t.Helper()
	for i, arg := range argv {
		if strings.ContainsAny(arg, "$;") {
			t.Errorf("argument %d of the line, %q, has a $ or ;", i, arg)
		}
	}
}

// TestUnitCreateScript: the line's script is one file in the runtime's
// script directory, shared by every start, written again where it is gone;
// a runtime without cgroups gets its flag.
func TestUnitCreateScript(t *testing.T) {
	r := fakeRuntime(t, "crun")
	if err := os.WriteFile(r.Path, []byte("#!/bin/sh\necho runtime \"$@\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	r.NoCgroups = true
	bundle := t.TempDir()
	var scripts []string
	for range 3 {
		u, err := r.UnitCreate("ctr1", bundle, []string{"/bin/echo", "fallback"})
		if err != nil {
			t.Fatal(err)
		}
		if got := runLine(t, u.Argv); !strings.HasPrefix(got, "runtime --root "+r.Root+" --cgroup-manager=disabled --log-format=json ") {
			t.Errorf("without cgroups: %q", got)
		}
		scripts = append(scripts, u.Argv[1])
		u.Close()
		if len(scripts) == 2 {
			os.Remove(u.Argv[1])
		}
	}
	if scripts[0] != scripts[1] || scripts[1] != scripts[2] || filepath.Dir(scripts[0]) != r.Scripts ||
		!strings.HasPrefix(filepath.Base(scripts[0]), unitShellName+"-") {
		t.Errorf("scripts %v, want one in %s named %s-HASH", scripts, r.Scripts, unitShellName)
	}
	if entries, _ := os.ReadDir(r.Scripts); len(entries) != 1 {
		t.Errorf("%d files in the script directory, want the script alone", len(entries))
	}
	r.Scripts = ""
	if _, err := r.UnitCreate("ctr1", bundle, nil); err == nil {
		t.Error("a runtime without a script directory made a line")
	}
}

func TestUnitCreateStarter(t *testing.T) {
	for target, want := range map[string]int{
		"/proc/4242/fd/7":            4242,
		"/proc/17/root/usr/bin/crun": 17,
		"/usr/bin/crun":              0,
		"crun":                       0,
		"/proc/self/fd/3":            0,
		"/proc/0/fd/3":               0,
		"/proc/-3/fd/3":              0,
		"/proc/":                     0,
	} {
		if got := UnitCreateStarter(target); got != want {
			t.Errorf("UnitCreateStarter(%q) = %d, want %d", target, got, want)
		}
	}
}

// BenchmarkUnitCreate: making a start's links and log, and removing them,
// as every direct start does, in a bundle on tmpfs (as the run root is
// under /run) where /dev/shm is one.
func BenchmarkUnitCreate(b *testing.B) {
	r := fakeRuntime(b, "runc")
	bundle, err := os.MkdirTemp("/dev/shm", "podunit-bench")
	if err != nil {
		bundle = b.TempDir()
	}
	defer os.RemoveAll(bundle)
	for b.Loop() {
		u, err := r.UnitCreate("ctr1", bundle, []string{"/bin/true"})
		if err != nil {
			b.Fatal(err)
		}
		u.Close()
	}
}
