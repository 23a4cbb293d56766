// Package oci drives an OCI runtime binary (crun or runc) through its
// command line: create, start, state, kill, delete, exec and list. It keeps
// no state of its own; the runtime's state lives under Root.
package oci

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/podunit/podunit/engine/errdefs"
)

// Runtime is one OCI runtime binary with its state directory.
type Runtime struct {
	Name string // "crun" or "runc" (what the user asked for)
	Path string // absolute path of the binary
	Root string // the runtime's --root state directory
	// SeccompCache is where compiled seccomp programs are kept for the
	// next containers (crun only; "" keeps none). See seccompcache.go.
	SeccompCache string
	// Scripts is where UnitCreate keeps the shell script a unit's create
	// runs (unitcreate.go).
	Scripts string
	// NoCgroups makes no cgroup for the container (crun's
	// --cgroup-manager=disabled, --cgroups=disabled).
	NoCgroups bool
}

// Find locates the runtime named name (a bare name is looked up in PATH and
// the usual sbin directories) and uses root for its state.
func Find(name, root string) (*Runtime, error) {
	if name == "" {
		name = "crun"
	}
	path, err := lookPath(name)
	if err != nil {
		return nil, fmt.Errorf("OCI runtime %q not found: %w", name, errdefs.ErrNotFound)
	}
	return &Runtime{Name: filepath.Base(name), Path: path, Root: root}, nil
}

func lookPath(name string) (string, error) {
	if strings.Contains(name, "/") {
		if fi, err := os.Stat(name); err != nil || fi.IsDir() {
			return "", fmt.Errorf("%s: not an executable", name)
		}
		return filepath.Abs(name)
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, dir := range []string{"/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/local/bin", "/usr/bin", "/bin"} {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", exec.ErrNotFound
}

// Stdio is what the container's init process gets as its standard streams.
// Nil members become /dev/null.
type Stdio struct {
	In, Out, Err *os.File
	// ConsoleSocket (create only), relative to the bundle: with a terminal
	// in the spec, the runtime hands the pty's master to this socket.
	ConsoleSocket string
	// Extra (create only) are passed on as the container's descriptors 3,
	// 4, … (--preserve-fds): systemd's socket activation.
	Extra []*os.File
}

// command builds a runtime invocation with the global flags. The runtime's
// own diagnostics go, as JSON lines, to logPath when it is set.
func (r *Runtime) command(ctx context.Context, logPath string, args ...string) *exec.Cmd {
	global := []string{"--root", r.Root}
	if r.NoCgroups {
		global = append(global, "--cgroup-manager=disabled")
	}
	if logPath != "" {
		global = append(global, "--log-format=json", "--log="+logPath)
	}
	cmd := exec.CommandContext(ctx, r.Path, append(global, args...)...)
	cmd.Env = runtimeEnv()
	r.useExec(cmd)
	return cmd
}

// runtimeEnv is the caller's environment without NOTIFY_SOCKET: with it set,
// runc and crun proxy sd_notify themselves and `start` blocks until the
// container's own READY=1 (see DESIGN.md). Without systemd's socket
// activation variables too: the runtimes would act on LISTEN_FDS on their
// own (crun adds them to --preserve-fds); Stdio.Extra passes them instead.
func runtimeEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !hasAnyPrefix(kv, "NOTIFY_SOCKET=", "LISTEN_PID=", "LISTEN_FDS=", "LISTEN_FDNAMES=") {
			env = append(env, kv)
		}
	}
	return env
}

func hasAnyPrefix(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// run executes a short runtime command and returns its error with the
// runtime's own message.
func (r *Runtime) run(ctx context.Context, args ...string) error {
	var stderr bytes.Buffer
	cmd := r.command(ctx, "", args...)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return r.wrap(args[0], strings.TrimSpace(stderr.String()), err)
	}
	return nil
}

func (r *Runtime) wrap(verb, msg string, err error) error {
	if msg == "" {
		msg = err.Error()
	}
	return fmt.Errorf("%s %s: %s", r.Name, verb, msg)
}

// Kill sends sig to the container's init (or to all its processes).
func (r *Runtime) Kill(ctx context.Context, id string, sig syscall.Signal, all bool) error {
	args := []string{"kill"}
	if all {
		args = append(args, "--all")
	}
	return r.run(ctx, append(args, id, strconv.Itoa(int(sig)))...)
}

// Delete removes the runtime's state of the container; with force it kills
// a running one first. A container the runtime does not know is not an error,
// so a re-run after a crash finishes the job.
func (r *Runtime) Delete(ctx context.Context, id string, force bool) error {
	if !r.Exists(id) {
		return nil
	}
	args := []string{"delete"}
	if force {
		args = append(args, "--force")
	}
	err := r.run(ctx, append(args, id)...)
	if err != nil && !r.Exists(id) {
		return nil
	}
	return err
}

// Exists reports whether the runtime keeps state for the container: both
// crun and runc keep a directory named after it under their root. Looking
// costs a stat, where asking the runtime costs a process.
func (r *Runtime) Exists(id string) bool {
	_, err := os.Stat(filepath.Join(r.Root, id))
	return err == nil
}

// State is the runtime's view of one container.
type State struct {
	ID     string `json:"id"`
	Pid    int    `json:"pid"`
	Status string `json:"status"` // creating, created, running, stopped
	Bundle string `json:"bundle"`
}

// State asks the runtime about one container; unknown → ErrNotFound.
func (r *Runtime) State(ctx context.Context, id string) (*State, error) {
	var stdout, stderr bytes.Buffer
	cmd := r.command(ctx, "", "state", id)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := stderr.String()
		if strings.Contains(msg, "does not exist") || strings.Contains(msg, "No such file") {
			return nil, fmt.Errorf("runtime state of container %s: %w", id, errdefs.ErrNotFound)
		}
		return nil, r.wrap("state", strings.TrimSpace(msg), err)
	}
	var st State
	if err := json.Unmarshal(stdout.Bytes(), &st); err != nil {
		return nil, fmt.Errorf("%s state %s: %w", r.Name, id, err)
	}
	return &st, nil
}

// List returns the IDs of the containers the runtime has state for.
func (r *Runtime) List(ctx context.Context) ([]string, error) {
	var stdout, stderr bytes.Buffer
	cmd := r.command(ctx, "", "list", "--format", "json")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, r.wrap("list", strings.TrimSpace(stderr.String()), err)
	}
	var states []State
	if s := bytes.TrimSpace(stdout.Bytes()); len(s) > 0 && string(s) != "null" {
		if err := json.Unmarshal(s, &states); err != nil {
			return nil, fmt.Errorf("%s list: %w", r.Name, err)
		}
	}
	ids := make([]string, 0, len(states))
	for _, s := range states {
		ids = append(ids, s.ID)
	}
	return ids, nil
}
