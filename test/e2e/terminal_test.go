package e2e

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"

	"github.com/podunit/podunit/internal/syncbuf"
)

// TestTerminalOnHost drives the attached terminal cases with runc, no
// systemd: run -it, create -it + start -ai, exec -it, and -i with pipes.
func TestTerminalOnHost(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	e.image()
	t.Run("run -it", func(t *testing.T) { checkRunIT(t, e) })
	t.Run("start -ai", func(t *testing.T) { checkStartAI(t, e) })
	t.Run("attach to run -it", func(t *testing.T) { checkAttachToAttached(t, e) })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	run := e.command(ctx, "run", "--name", "con", "bb", "sleep", "600")
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { e.run("rm", "-f", "-t", "0", "con"); _ = run.Wait() }()
	eventually(t, 20*time.Second, "con running", func() bool {
		return e.run("inspect", "--format", "{{.State.Status}}", "con").out == "running\n"
	})
	t.Run("-i without -t", func(t *testing.T) { checkPipedStdin(t, e, "con") })
	t.Run("exec -it", func(t *testing.T) { checkExecIT(t, e, "con") })
	t.Run("exec -it detaches", func(t *testing.T) { checkExecDetach(t, e, "con") })
	t.Run("exec -it output only", func(t *testing.T) { checkExecOutputOnly(t, e, "con") })
	t.Run("attach refusals", func(t *testing.T) { checkAttachRefusals(t, e, "con") })
	var left string
	t.Run("exec -d", func(t *testing.T) { left = checkExecDetached(t, e, "con") })
	t.Run("exec sessions go", func(t *testing.T) { checkExecSessionsGo(t, e, "con", left) })
}

// checkAttachRefusals: bad detach keys, a container without a terminal
// and one that does not run are refused with exit 125, naming the cause.
func checkAttachRefusals(t *testing.T, e *env, noTTY string) {
	e = e.on(t)
	e.must("create", "-t", "--name", "stopped", "bb", "sh")
	defer e.must("rm", "stopped")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"attach", "--detach-keys", "ctrl-1", "stopped"}, `Error: invalid --detach-keys "ctrl-1": "ctrl-1" is not a character or ctrl-KEY`},
		{[]string{"attach", "--detach-keys", "ctrl-p,", "stopped"}, `Error: invalid --detach-keys "ctrl-p,": "" is not`},
		{[]string{"attach", noTTY}, `Error: container "` + noTTY + `" has no terminal (created without -t) and runs attached`},
		{[]string{"attach", "stopped"}, `Error: container "stopped" is not running`},
		{[]string{"attach", "no-such"}, `Error: no container with name or ID "no-such" found`},
	} {
		r := e.run(c.args...)
		if r.code != 125 || !strings.HasPrefix(r.err, c.want) {
			t.Errorf("podunit %s: exit %d, stderr %q; want 125 and %q", strings.Join(c.args, " "), r.code, r.err, c.want)
		}
	}
}

// checkExecOutputOnly: the terminal shows the command's output and no
// byte of podunit's before or after it. (Under `script </dev/null` a "^@"
// shows: script turns its stdin's EOF into the raw terminal's VEOF, a NUL,
// which the container's terminal echoes; docker exec -it shows the same.)
func checkExecOutputOnly(t *testing.T, e *env, name string) {
	e = e.on(t)
	s := onPty(t, e, "exec", "-it", name, "sh", "-c", "test -t 0 && test -t 1 && echo on-a-tty")
	s.wantExit(0, "exec -it")
	<-s.done
	if out := s.output(); out != "on-a-tty\r\n" {
		t.Fatalf("exec -it printed %q, want %q", out, "on-a-tty\r\n")
	}
}

// TestTerminalUnderSystemd adds the unit containers' console (run -dit,
// attach, detach keys, attach again) to the attached cases, exec -it's
// detaching through podunit-console among them, with crun and runc under a
// real systemd.
func TestTerminalUnderSystemd(t *testing.T) {
	// not parallel: runs two CPU hogs on the host
	sb := harness.Boot(t, harness.Options{})
	harness.BuildCommand(t, "podunit-console") // beside podunit: unit-start finds it there
	for _, rt := range []string{"crun", "runc"} {
		t.Run(rt, func(t *testing.T) {
			e := newEnv(t, sb, rt)
			e.image()
			t.Run("run -it", func(t *testing.T) { checkRunIT(t, e) })
			t.Run("start -ai", func(t *testing.T) { checkStartAI(t, e) })
			t.Run("attach", func(t *testing.T) { checkAttach(t, e) })
			t.Run("-i without -t", func(t *testing.T) { checkPipedStdin(t, e, "con") })
			t.Run("exec -it", func(t *testing.T) { checkExecIT(t, e, "con") })
			t.Run("exec -it detaches", func(t *testing.T) { checkExecDetach(t, e, "con") })
			var left string
			t.Run("exec -d", func(t *testing.T) { left = checkExecDetached(t, e, "con") })
			t.Run("attach until the end", func(t *testing.T) { checkAttachToEnd(t, e, "con") })
			t.Run("run -it and start -ai detach", func(t *testing.T) { checkRunITDetaches(t, e) })
			t.Run("attach passes signals on", func(t *testing.T) { checkAttachSignals(t, e) })
			t.Run("attach without a terminal", func(t *testing.T) { checkAttachOutput(t, e) })
			t.Run("wait for --rm units", func(t *testing.T) { checkWaitRemoved(t, e) }) // wait_test.go
			checkExecSessionsGo(t, e, "con", left)
		})
	}
}

// checkRunIT drives `run -it` on a terminal: the shell's prompt, typed
// input echoed and run, the size the caller's terminal has and then a new
// one after a resize, and the shell's exit code as podunit's.
func checkRunIT(t *testing.T, e *env) {
	e = e.on(t)
	s := onPty(t, e, "run", "-it", "--rm", "--name", "it", "bb", "sh")
	s.expect("# ")
	s.send("stty size; tty\r")
	s.expect("24 80\r\n/dev/pts/0\r\n")
	s.resize(40, 100)
	s.send("stty size\r")
	s.expect("40 100\r\n")
	s.send("echo typed-$((6*7))\r")
	s.expect("typed-42")
	s.send("exit 3\r")
	s.wantExit(3, "run -it")
	// A program that ends at once: its size from the start, and its
	// output whole (with crun's cached seccomp program it ends before the
	// keeper reads the caller's size: once in three runs showed nothing).
	for range 5 {
		s = onPty(t, e, "run", "-t", "--rm", "bb", "sh", "-c", "stty size; exit 2")
		s.expect("24 80\r\n")
		s.wantExit(2, "run -t")
	}
	s = onPty(t, e, "run", "-it", "--rm", "bb", "no-such-command")
	s.wantExit(127, "run -it of a missing command")
}

// checkStartAI creates a container with -it and runs it with start -ai.
func checkStartAI(t *testing.T, e *env) {
	e = e.on(t)
	e.must("create", "-it", "--name", "sai", "bb", "sh")
	s := onPty(t, e, "start", "-ai", "sai")
	s.expect("# ")
	s.send("test -t 0 && stty size\r")
	s.expect("24 80\r\n")
	s.send("exit 6\r")
	s.wantExit(6, "start -ai")
	if got := e.field("sai", "{{.State.Status}} {{.State.ExitCode}} {{.Config.Tty}} {{.Config.OpenStdin}}"); got != "exited 6 true true" {
		t.Fatalf("inspect after start -ai: %q", got)
	}
	e.must("rm", "sai")
}

// checkAttach runs a unit container with -dit, attaches to it, follows a
// resize, detaches with ctrl-p ctrl-q (it runs on), attaches again and
// ends it: attach exits with its code, and the journal kept its terminal.
func checkAttach(t *testing.T, e *env) {
	e = e.on(t)
	e.sb.DumpOnFailure(t, "podunit-con.service")
	e.must("run", "-dit", "--name", "con", "bb", "sh")
	s := onPty(t, e, "attach", "con")
	s.send("\r")
	s.expect("# ")
	s.send("stty size\r")
	s.expect("24 80\r\n")
	s.resize(30, 90)
	s.send("stty size\r")
	s.expect("30 90\r\n")
	s.send("\x10\x11")
	s.wantExit(0, "attach after ctrl-p ctrl-q")
	if got := e.field("con", "{{.State.Status}}"); got != "running" {
		t.Fatalf("after detaching the container is %q, want running", got)
	}
	s = onPty(t, e, "attach", "--detach-keys", "ctrl-a", "con")
	s.send("echo again-$((2+3))\r")
	s.expect("again-5")
	s.send("\x01")
	s.wantExit(0, "attach after --detach-keys ctrl-a")
	eventually(t, 10*time.Second, "the terminal in the journal", func() bool {
		return strings.Contains(e.run("logs", "con").out, "again-5")
	})
	pid := strings.TrimSpace(e.sb.Run(t, "pgrep", "-x", "podunit-console"))
	if cg := e.sb.Run(t, "cat", "/proc/"+pid+"/cgroup"); !strings.Contains(cg, "/podunit-con.service") {
		t.Fatalf("the console keeper %s is not in the unit's cgroup:\n%s", pid, cg)
	}
	var rss int
	status := e.sb.Run(t, "grep", "VmRSS", "/proc/"+pid+"/status")
	if _, err := fmt.Sscanf(status, "VmRSS: %d kB", &rss); err != nil || rss > 8*1024 {
		t.Fatalf("the console keeper's memory: %q (want under 8 MiB)", status)
	}
	t.Logf("console keeper: VmRSS %d kB", rss)
}

// checkAttachToEnd attaches to a unit container's terminal and ends its
// shell: attach exits with the shell's code and the keeper is gone.
func checkAttachToEnd(t *testing.T, e *env, name string) {
	e = e.on(t)
	s := onPty(t, e, "attach", name)
	s.send("\r")
	s.expect("# ")
	s.send("exit 5\r")
	s.wantExit(5, "attach when the container ended")
	if got := e.field(name, "{{.State.Status}} {{.State.ExitCode}}"); got != "exited 5" {
		t.Fatalf("after the end: %q", got)
	}
	eventually(t, 10*time.Second, "the console keeper gone", func() bool {
		_, _, code, _ := e.sb.Exec("pgrep", "-x", "podunit-console")
		return code == 1
	})
}

// checkExecIT runs `exec -it` in a running container: size, resize, code.
func checkExecIT(t *testing.T, e *env, name string) {
	e = e.on(t)
	s := onPty(t, e, "exec", "-it", name, "sh")
	s.expect("# ")
	s.send("stty size\r")
	s.expect("24 80\r\n")
	s.resize(50, 120)
	s.send("stty size\r")
	s.expect("50 120\r\n")
	s.send("exit 4\r")
	s.wantExit(4, "exec -it")
	s = onPty(t, e, "exec", "-it", name, "no-such-command")
	s.wantExit(127, "exec -it of a missing command")
}

// checkPipedStdin pipes input through -i without -t: run -i, create -i +
// start -ai, and (in a running container, when named) exec -i.
func checkPipedStdin(t *testing.T, e *env, running string) {
	e = e.on(t)
	if r := e.runIn(strings.NewReader("piped-run\n"), "run", "--rm", "-i", "bb", "sh", "-c", "test ! -t 0 && cat"); r.code != 0 || r.out != "piped-run\n" {
		t.Fatalf("run -i: exit %d, out %q, err %q", r.code, r.out, r.err)
	}
	if r := e.runIn(strings.NewReader("not-passed\n"), "run", "--rm", "bb", "cat"); r.code != 0 || r.out != "" {
		t.Fatalf("run without -i: exit %d, out %q, err %q", r.code, r.out, r.err)
	}
	r := e.runIn(strings.NewReader("piped-tty\n"), "run", "--rm", "-it", "bb", "sh", "-c", "test -t 0 && cat")
	if r.code != 0 || !strings.Contains(r.out, "piped-tty\r\n") {
		t.Fatalf("run -it with a pipe as stdin: exit %d, out %q, err %q", r.code, r.out, r.err)
	}
	e.must("create", "-i", "--name", "pipe", "bb", "cat")
	if r := e.runIn(strings.NewReader("piped-start\n"), "start", "-ai", "pipe"); r.code != 0 || r.out != "piped-start\n" {
		t.Fatalf("start -ai: exit %d, out %q, err %q", r.code, r.out, r.err)
	}
	e.must("rm", "pipe")
	if running == "" {
		return
	}
	if r := e.runIn(strings.NewReader("piped-exec\n"), "exec", "-i", running, "cat"); r.code != 0 || r.out != "piped-exec\n" {
		t.Fatalf("exec -i: exit %d, out %q, err %q", r.code, r.out, r.err)
	}
}

// checkAttachSignals attaches without input (-t, no -i): a SIGINT of
// attach (ctrl-c: the caller's terminal is not raw then) is passed on to
// the container (Podman's --sig-proxy), and a SIGHUP detaches, leaving the
// container running. The signals go to podunit inside the sandbox, not
// through the terminal, whose session leader is nsenter.
func checkAttachSignals(t *testing.T, e *env) {
	e = e.on(t)
	e.must("run", "-dt", "--name", "sig", "bb", "sh", "-c", `trap "echo got-int" INT; while :; do echo tick; sleep 0.2; done`)
	defer e.run("rm", "-f", "-t", "0", "sig")
	s := onPty(t, e, "attach", "sig")
	s.expect("tick\r\n")
	pid := strings.TrimSpace(e.sb.Run(t, "pgrep", "-f", "podunit .*attach sig"))
	e.sb.Run(t, "kill", "-INT", pid)
	s.expect("got-int\r\n")
	e.sb.Run(t, "kill", "-HUP", pid)
	s.wantExit(0, "attach after SIGHUP (a detach)")
	if got := e.field("sig", "{{.State.Status}}"); got != "running" {
		t.Fatalf("after attach's SIGHUP the container is %q, want running", got)
	}
}

// checkAttachToAttached joins a second terminal to a container that runs
// attached to a first (run -it): both see what either types; the second
// detaches and the first ends the container with its code.
func checkAttachToAttached(t *testing.T, e *env) {
	e = e.on(t)
	first := onPty(t, e, "run", "-it", "--rm", "--name", "shared", "bb", "sh")
	first.expect("# ")
	// the prompt can come before run -it has recorded the container
	// running (a loaded CI machine showed it): attach refuses it until then
	eventually(t, 20*time.Second, "shared to be recorded running", func() bool {
		return e.field("shared", "{{.State.Status}}") == "running"
	})
	second := onPty(t, e, "attach", "shared")
	second.send("echo from-$((1+1))nd\r")
	first.expect("from-2nd")
	second.expect("from-2nd")
	second.send("\x10\x11")
	second.wantExit(0, "the second attach")
	first.send("exit 9\r")
	first.wantExit(9, "run -it")
}

// checkAttachOutput attaches to a unit container without -t, as Podman's
// attach does: its output from then on, stdout and stderr apart, and its
// exit code; and a SIGTERM to attach reaches the container. The container
// numbers its lines, every 50 ms and then 300 at once before it exits:
// attach prints each line once, in order, to the very last.
func checkAttachOutput(t *testing.T, e *env) {
	e = e.on(t)
	e.must("run", "-d", "--name", "talker", "bb", "sh", "-c", "echo before; i=0; "+
		"until [ -e /go ]; do i=$((i+1)); echo $i; sleep 0.05; done; "+
		"n=$((i+300)); while [ $i -lt $n ]; do i=$((i+1)); echo $i; done; echo err >&2; exit 3")
	defer e.run("rm", "-f", "-t", "0", "talker")
	eventually(t, 30*time.Second, "talker to print before", func() bool { return strings.HasPrefix(e.run("logs", "talker").out, "before\n") })
	cmd := e.command(context.Background(), "attach", "talker")
	var out, errOut syncbuf.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	eventually(t, 60*time.Second, "attach to print a line", func() bool { return strings.Count(out.String(), "\n") >= 2 })
	e.must("exec", "talker", "touch", "/go")
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 3 {
		t.Errorf("attach ended with %v, want the container's exit code 3", err)
	}
	if errOut.String() != "err\n" {
		t.Errorf("attach printed stderr %q, want err", errOut.String())
	}
	logged := e.must("logs", "talker") // before, 1, 2, … n
	if got := out.String(); got == "" || strings.Contains(got, "before") || !strings.HasSuffix(logged, "\n"+got) {
		t.Errorf("attach printed %q; want the end of the logs (%q), from after it attached, each line once", got, logged)
	}
	e.must("run", "-d", "--name", "deaf2", "bb", "sh", "-c", "trap 'echo got-term; exit 7' TERM; while :; do echo tick; sleep 0.1; done")
	defer e.run("rm", "-f", "-t", "0", "deaf2")
	sig := e.command(context.Background(), "attach", "deaf2")
	var sigOut syncbuf.Buffer
	sig.Stdout = &sigOut
	if err := sig.Start(); err != nil {
		t.Fatal(err)
	}
	// a line printed means attach follows, its signal handler set before
	eventually(t, 60*time.Second, "attach to print a tick", func() bool { return strings.Contains(sigOut.String(), "tick\n") })
	e.sb.Run(t, "kill", "-TERM", strings.TrimSpace(e.sb.Run(t, "pgrep", "-f", "podunit .*attach deaf2")))
	err = sig.Wait()
	if !errors.As(err, &ee) || ee.ExitCode() != 7 || !strings.HasSuffix(sigOut.String(), "tick\ngot-term\n") {
		t.Errorf("attach after SIGTERM: %v, printed %q; want exit 7 and got-term", err, sigOut.String())
	}
}
