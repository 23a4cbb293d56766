package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/podunit/podunit/internal/syncbuf"
	"github.com/podunit/podunit/test/harness"
	"github.com/podunit/podunit/test/testimage"
)

// rootlessUser is a throwaway account with its home and $XDG_RUNTIME_DIR
// under a test folder, removed when the test ends.
type rootlessUser struct {
	t             testing.TB
	name, bin     string
	uid, gid      string
	home, runtime string
	hide          string // a file hidden (bind-mounted over) while podunit runs
	env           []string
	sb            *harness.Sandbox // nil: on the host
}

// newRootlessUser adds a user; withSubIDs gives it subordinate ID ranges
// (useradd's own choice of free ones).
func newRootlessUser(t *testing.T, dir, name string, withSubIDs bool) *rootlessUser {
	t.Helper()
	u := &rootlessUser{t: t, name: name, bin: harness.BuildPodunit(t), home: filepath.Join(dir, name),
		runtime: filepath.Join(dir, name+"-run")}
	args := []string{"-M", "-d", u.home, "-s", "/bin/sh"}
	if !withSubIDs {
		args = append(args, "-K", "SUB_UID_COUNT=0", "-K", "SUB_GID_COUNT=0")
	}
	_ = exec.Command("userdel", name).Run() // left by a killed run
	if out, err := exec.Command("useradd", append(args, name)...).CombinedOutput(); err != nil {
		t.Fatalf("useradd: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("userdel", name).CombinedOutput(); err != nil {
			t.Errorf("userdel %s: %v\n%s", name, err, out)
		}
	})
	acct, err := user.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	u.uid, u.gid = acct.Uid, acct.Gid
	for _, d := range []string{u.home, u.runtime} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("chown", u.uid+":"+u.gid, d).CombinedOutput(); err != nil {
			t.Fatalf("chown: %v\n%s", err, out)
		}
	}
	u.env = []string{"HOME=" + u.home, "USER=" + name, "PATH=/usr/local/bin:/usr/bin:/bin",
		"XDG_RUNTIME_DIR=" + u.runtime, "CONTAINERS_REGISTRIES_CONF=" + filepath.Join(dir, "registries.conf"),
		"CONTAINERS_CONF=" + filepath.Join(dir, "containers.conf")}
	return u
}

// command is podunit as the user, with a clean environment (env replaces
// or, with an empty value, removes variables).
func (u *rootlessUser) command(ctx context.Context, env []string, args ...string) *exec.Cmd {
	return u.commandOf(ctx, env, u.bin, args...)
}

// commandOf is program prog as the user, as command runs podunit.
func (u *rootlessUser) commandOf(ctx context.Context, env []string, prog string, args ...string) *exec.Cmd {
	argv := append([]string{"setpriv", "--reuid=" + u.uid, "--regid=" + u.gid, "--clear-groups",
		"env", "-i"}, mergeEnv(u.env, env)...)
	argv = append(append(argv, prog), args...)
	if u.hide != "" { // a mount namespace of the test's own, where the file is gone
		argv = append([]string{"unshare", "-m", "--propagation", "private", "sh", "-c",
			`mount --bind "$0" "$1" && shift && exec "$@"`, filepath.Join(u.home, "..", "empty"), u.hide}, argv...)
	}
	if u.sb != nil {
		return u.sb.Command(ctx, argv[0], argv[1:]...)
	}
	return exec.CommandContext(ctx, argv[0], argv[1:]...)
}

// run runs podunit as the user and returns what it printed and its code.
func (u *rootlessUser) run(env []string, args ...string) result {
	u.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out, errb bytes.Buffer
	cmd := u.command(ctx, env, args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		u.t.Fatalf("podunit %s as %s: %v", strings.Join(args, " "), u.name, err)
	}
	return result{out: out.String(), err: errb.String(), code: cmd.ProcessState.ExitCode()}
}

func (u *rootlessUser) must(args ...string) string {
	u.t.Helper()
	r := u.run(nil, args...)
	if r.code != 0 {
		u.t.Fatalf("podunit %s as %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), u.name, r.code, r.out, r.err)
	}
	return r.out
}

// fails runs podunit as the user and wants exit 125 with want in the error.
func (u *rootlessUser) fails(env []string, want string, args ...string) {
	u.t.Helper()
	r := u.run(env, args...)
	if r.code != 125 || !strings.HasPrefix(r.err, "Error: ") || !strings.Contains(r.err, want) {
		u.t.Errorf("podunit %s as %s: want exit 125 and Error: …%s…, got %d\nstdout: %s\nstderr: %s",
			strings.Join(args, " "), u.name, want, r.code, r.out, r.err)
	}
}

func mergeEnv(base, over []string) []string {
	out := []string{}
	for _, kv := range base {
		k, _, _ := strings.Cut(kv, "=")
		if !hasKey(over, k) {
			out = append(out, kv)
		}
	}
	for _, kv := range over {
		if !strings.HasSuffix(kv, "=") {
			out = append(out, kv)
		}
	}
	return out
}

func hasKey(env []string, k string) bool {
	for _, kv := range env {
		if strings.HasPrefix(kv, k+"=") {
			return true
		}
	}
	return false
}

// subIDStart is the first ID of name's range in an /etc/sub?id file.
func subIDStart(t *testing.T, path, name string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Split(line, ":"); len(f) == 3 && f[0] == name {
			return f[1]
		}
	}
	t.Fatalf("%s has no range for %s:\n%s", path, name, data)
	return ""
}

// rootlessDir is a test folder every user may enter, with the files the
// rootless tests share: registries.conf, an empty file, the test image.
func rootlessDir(t *testing.T) (dir, tar string) {
	dir = harness.TempDir(t)
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// on the host the default network is none: the host's /dev/net/tun may
	// be 0600 (a bare devtmpfs), and pasta's checks are in the sandbox's boot
	files := map[string]string{"registries.conf": "unqualified-search-registries = []\n", "empty": "",
		"containers.conf": "[containers]\nnetns = \"none\"\n"}
	for p, data := range files {
		if err := os.WriteFile(filepath.Join(dir, p), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tar = filepath.Join(dir, "rootfs.tar")
	if err := testimage.RootfsTar(tar); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(tar, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, tar
}

// requireRootlessHost fails unless this machine lets a user make a user
// namespace with the subuid helpers (what rootless podunit needs).
func requireRootlessHost(t *testing.T) {
	harness.RequireRoot(t)
	for _, p := range []string{"newuidmap", "newgidmap", "useradd", "setpriv", "unshare", "pasta"} {
		if _, err := exec.LookPath(p); err != nil {
			t.Fatalf("rootless tests need %s (Debian: uidmap, passwd, util-linux, passt)", p)
		}
	}
	if b, err := os.ReadFile("/proc/sys/user/max_user_namespaces"); err != nil || strings.TrimSpace(string(b)) == "0" {
		t.Fatalf("rootless tests need user namespaces (user.max_user_namespaces=%s)", b)
	}
}

// TestRootlessRunAttached runs podunit as an unprivileged user on the host
// (runc and crun): uid 0 in the container is the user, the subuid range
// follows, the user's storage is in their home, and what is missing for a
// rootless run is named with exit 125 before anything is made.
func TestRootlessRunAttached(t *testing.T) {
	// not parallel: useradd and userdel on the host
	requireRootlessHost(t)
	dir, tar := rootlessDir(t)
	tag := fmt.Sprint(os.Getpid() % 100000)
	u := newRootlessUser(t, dir, "purl"+tag, true)
	checkRootlessMissing(t, dir, u, newRootlessUser(t, dir, "purn"+tag, false))
	u.must("image", "import", tar, "bb")
	checkNoPasta(t, u)
	uidStart, gidStart := subIDStart(t, "/etc/subuid", u.name), subIDStart(t, "/etc/subgid", u.name)
	for _, rt := range []string{"runc", "crun"} {
		out := u.must("--runtime", rt, "run", "--rm", "bb", "sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map")
		want := []string{"0 " + u.uid + " 1", "1 " + uidStart + " 65536", "0 " + u.gid + " 1", "1 " + gidStart + " 65536"}
		if got := strings.Join(strings.Fields(out), " "); got != strings.Join(want, " ") {
			t.Errorf("%s: maps\n%s\nwant %q", rt, out, want)
		}
	}
	checkRootlessFiles(t, dir, u)
	checkRootlessReadsOutside(t, u)
	checkRootlessReadsRunning(t, u)
	checkRootlessSignal(t, u)
	checkRootlessExec(t, u)
	checkRootlessPod(t, u)
	checkRootlessPodPID(t, u)
	u.must("system", "check") // the user's storage and state, clean
	checkRootlessUnits(t, u)
}

// checkRootlessSignal: a SIGTERM to the podunit the user started (the
// parent outside the namespace) reaches the container, whose code is
// podunit's.
func checkRootlessSignal(t *testing.T, u *rootlessUser) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out syncbuf.Buffer
	cmd := u.command(ctx, nil, "run", "--rm", "--name", "sig", "bb", "sh", "-c",
		`trap "echo got TERM; exit 7" TERM; echo up; sleep 30 & wait`)
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// "up" comes after the trap: a SIGTERM before it would kill the shell
	eventually(t, 20*time.Second, "the container to print up", func() bool {
		return strings.Contains(out.String(), "up\n")
	})
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 7 || !strings.Contains(out.String(), "got TERM") {
		t.Errorf("SIGTERM to rootless podunit: exit %d, output %q; want 7 and got TERM", code, out.String())
	}
}

// checkRootlessFiles: what the container's root writes in a bind mount is
// the user's on the host, a subordinate uid's is the range's, and the
// user's storage and state are in their home and run directory.
func checkRootlessFiles(t *testing.T, dir string, u *rootlessUser) {
	data := filepath.Join(u.home, "data")
	if err := os.Mkdir(data, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("chown", u.uid+":"+u.gid, data).CombinedOutput(); err != nil {
		t.Fatalf("chown: %v\n%s", err, out)
	}
	u.must("run", "--rm", "-v", data+":/data", "bb", "sh", "-c", "touch /data/root && touch /data/sub && chown 1:1 /data/sub")
	for name, want := range map[string]string{"root": u.uid, "sub": subIDStart(t, "/etc/subuid", u.name)} {
		out, err := exec.Command("stat", "-c", "%u", filepath.Join(data, name)).CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != want {
			t.Errorf("/data/%s is owned by %s (%v) on the host, want %s", name, out, err, want)
		}
	}
	for _, p := range []string{".local/share/containers/storage/podunit/state.db", ".local/share/containers/storage/overlay"} {
		if _, err := os.Stat(filepath.Join(u.home, p)); err != nil {
			t.Errorf("the user's storage: %v", err)
		}
	}
	if _, err := os.Stat(filepath.Join(u.runtime, "containers", "podunit")); err != nil {
		t.Errorf("the user's run root: %v", err)
	}
	if out := u.must("ps", "-aq"); out != "" {
		t.Errorf("--rm left containers: %q", out)
	}
}

// checkRootlessMissing: no subuid range, no newuidmap: exit 125 naming it,
// and nothing written.
func checkRootlessMissing(t *testing.T, dir string, u, nosub *rootlessUser) {
	nosub.fails(nil, `no subordinate UID range for user "`+nosub.name+`"`, "images")
	nosub.fails(nil, `no subordinate UID range for user "`+nosub.name+`"`, "ps") // no state yet: made in a namespace
	u.hide = "/usr/bin/newuidmap"
	u.fails(nil, "newuidmap not found", "run", "--rm", "bb", "true")
	u.hide = ""
	for _, home := range []string{u.home, nosub.home} {
		if entries, _ := os.ReadDir(home); len(entries) != 0 {
			t.Errorf("a failed rootless command wrote %v in %s", entries, home)
		}
	}
	if out := nosub.must("--help"); !strings.Contains(out, "Usage:") {
		t.Errorf("help needs no user namespace, got %q", out)
	}
}

// checkNoPasta: without pasta, a rootless run on its network is refused
// naming the package, exit 125, and makes no container.
func checkNoPasta(t *testing.T, u *rootlessUser) {
	path, err := exec.LookPath("pasta")
	if err != nil {
		t.Fatal(err)
	}
	u.hide = path
	u.fails(nil, "apt-get install passt", "run", "--rm", "--network", "pasta", "bb", "true")
	u.hide = ""
	if out := u.must("ps", "-aq"); out != "" {
		t.Errorf("a refused run left containers: %q", out)
	}
}

// checkRootlessUnits: run -d needs the user's manager, which is not here.
func checkRootlessUnits(t *testing.T, u *rootlessUser) {
	u.fails([]string{"XDG_RUNTIME_DIR="}, "$XDG_RUNTIME_DIR is not set", "run", "-d", "bb", "sleep", "60")
	u.fails(nil, "none runs for uid "+u.uid, "run", "-d", "--name", "d", "bb", "sleep", "60")
	if out := u.must("ps", "-aq"); out != "" {
		t.Errorf("a refused run -d left containers: %q", out)
	}
	_ = os.RemoveAll("/tmp/storage-run-" + u.uid) // storage's run root without $XDG_RUNTIME_DIR
}
