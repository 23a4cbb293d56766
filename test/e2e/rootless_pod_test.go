package e2e

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// checkRootlessPod: a rootless pod with no process of its own: the first
// member makes the namespaces, the next one (started by another podunit,
// in another user namespace at first) joins them and reaches the first on
// 127.0.0.1 and sees its host name. Short-lived members start and end all
// the while, so a member's namespaces are often those of one that ended
// as it joined (CI saw the first member fail so: "the container's init
// (pid N) is gone"); three rounds.
func checkRootlessPod(t *testing.T, u *rootlessUser) {
	u.must("pod", "create", "--name", "rp", "--hostname", "rphost")
	stop := u.repeat("run", "--rm", "--pod", "rp", "bb", "true")
	defer stop() // a failed round too: the user's processes must end for userdel
	for round := 0; round < 3 && !t.Failed(); round++ {
		checkRootlessPodRound(t, u)
	}
	stop()
	if out := u.must("ps", "-aq"); out != "" {
		t.Errorf("left %q", out)
	}
	u.must("pod", "rm", "rp")
}

// repeat runs podunit as the user with args again and again, until the
// returned stop.
func (u *rootlessUser) repeat(args ...string) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-done:
				return
			default:
				_ = u.run(nil, args...)
			}
		}
	}()
	return sync.OnceFunc(func() { close(done); wg.Wait() })
}

// checkRootlessPodRound starts the serving member, waits for another to
// fetch from it and removes it.
func checkRootlessPodRound(t *testing.T, u *rootlessUser) {
	first := u.startAttached(t, "run", "--rm", "--name", "rsrv", "--pod", "rp", "bb", "sh", "-c",
		"mkdir -p /www && echo from-first-member > /www/i && exec httpd -f -p 127.0.0.1:8080 -h /www")
	defer first.remove("rsrv")
	r := first.untilOther(t, "the second member to reach the first on 127.0.0.1", func(r result) bool { return r.code == 0 },
		"run", "--rm", "--pod", "rp", "bb", "sh", "-c", "wget -qO- http://127.0.0.1:8080/i && hostname")
	if got := strings.Fields(r.out); len(got) != 2 || got[0] != "from-first-member" || got[1] != "rphost" {
		t.Errorf("the second member printed %q (stderr %q)", r.out, r.err)
	}
}

// attachedRun is podunit run attached as the user, in the background.
type attachedRun struct {
	u      *rootlessUser
	out    bytes.Buffer
	exited chan struct{}
	cancel context.CancelFunc
}

func (u *rootlessUser) startAttached(t *testing.T, args ...string) *attachedRun {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	a := &attachedRun{u: u, exited: make(chan struct{}), cancel: cancel}
	cmd := u.command(ctx, nil, args...)
	cmd.Stdout, cmd.Stderr = &a.out, &a.out
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	go func() { _ = cmd.Wait(); close(a.exited) }()
	return a
}

// untilOther runs podunit with args until ok says its result will do,
// while this run goes on (it ending fails the test), and returns it.
func (a *attachedRun) untilOther(t *testing.T, what string, ok func(result) bool, args ...string) result {
	var r result
	eventually(t, time.Minute, what, func() bool {
		select {
		case <-a.exited:
			t.Fatalf("the first member ended: %s", a.out.String())
		default:
		}
		r = a.u.run(nil, args...)
		return ok(r)
	})
	return r
}

// remove removes the container name this run runs and waits for its end.
func (a *attachedRun) remove(name string) {
	_ = a.u.run(nil, "rm", "-f", "-t", "0", name)
	<-a.exited
	a.cancel()
}

// checkRootlessPodPID: a rootless pod sharing its PID namespace has a
// holder (catatonit, PID 1 there): a member sees another's processes, the
// namespace outlives its members, and pod rm ends the holder.
func checkRootlessPodPID(t *testing.T, u *rootlessUser) {
	u.must("pod", "create", "--name", "rpp", "--share", "pid,net")
	first := u.startAttached(t, "run", "--rm", "--name", "ppa", "--pod", "rpp", "bb", "sleep", "300")
	defer first.remove("ppa")
	r := first.untilOther(t, "a member to see the other's sleep",
		func(r result) bool { return r.code == 0 && strings.Contains(r.out, "sleep") },
		"run", "--rm", "--pod", "rpp", "bb", "sh", "-c", "cat /proc/1/comm /proc/[0-9]*/comm")
	if !strings.HasPrefix(r.out, "catatonit\n") {
		t.Errorf("PID 1 of the pod's namespace: %q (stderr %q), want catatonit", r.out, r.err)
	}
	u.fails(nil, "has no cgroup of its own", "pause", "ppa")
	first.remove("ppa")
	if out := u.must("run", "--rm", "--pod", "rpp", "bb", "cat", "/proc/1/comm"); out != "catatonit\n" {
		t.Errorf("after its first member ended, the pod's PID 1 is %q", out)
	}
	u.must("pod", "rm", "rpp")
	eventually(t, 20*time.Second, "pod rm to end the holder", func() bool {
		out, _ := exec.Command("ps", "-u", u.uid, "-o", "comm=").CombinedOutput()
		return !strings.Contains(string(out), "catatonit")
	})
}
