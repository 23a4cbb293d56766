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
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := u.command(ctx, nil, "run", "--rm", "--name", "rsrv", "--pod", "rp", "bb", "sh", "-c",
		"mkdir -p /www && echo from-first-member > /www/i && exec httpd -f -p 127.0.0.1:8080 -h /www")
	var first bytes.Buffer
	cmd.Stdout, cmd.Stderr = &first, &first
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	defer func() {
		_ = u.run(nil, "rm", "-f", "-t", "0", "rsrv")
		<-exited
	}()
	var r result
	eventually(t, time.Minute, "the second member to reach the first on 127.0.0.1", func() bool {
		select {
		case <-exited:
			t.Fatalf("the first member ended: %s", first.String())
		default:
		}
		r = u.run(nil, "run", "--rm", "--pod", "rp", "bb", "sh", "-c", "wget -qO- http://127.0.0.1:8080/i && hostname")
		return r.code == 0
	})
	if got := strings.Fields(r.out); len(got) != 2 || got[0] != "from-first-member" || got[1] != "rphost" {
		t.Errorf("the second member printed %q (stderr %q)", r.out, r.err)
	}
}

// checkRootlessPodPID: a rootless pod sharing its PID namespace has a
// holder (catatonit, PID 1 there): a member sees another's processes, the
// namespace outlives its members, and pod rm ends the holder.
func checkRootlessPodPID(t *testing.T, u *rootlessUser) {
	u.must("pod", "create", "--name", "rpp", "--share", "pid,net")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := u.command(ctx, nil, "run", "--rm", "--name", "ppa", "--pod", "rpp", "bb", "sleep", "300")
	var first bytes.Buffer
	cmd.Stdout, cmd.Stderr = &first, &first
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	defer func() {
		_ = u.run(nil, "rm", "-f", "-t", "0", "ppa")
		<-exited
	}()
	var r result
	eventually(t, time.Minute, "a member to see the other's sleep", func() bool {
		select {
		case <-exited:
			t.Fatalf("the first member ended: %s", first.String())
		default:
		}
		r = u.run(nil, "run", "--rm", "--pod", "rpp", "bb", "sh", "-c", "cat /proc/1/comm /proc/[0-9]*/comm")
		return r.code == 0 && strings.Contains(r.out, "sleep")
	})
	if !strings.HasPrefix(r.out, "catatonit\n") {
		t.Errorf("PID 1 of the pod's namespace: %q (stderr %q), want catatonit", r.out, r.err)
	}
	u.must("rm", "-f", "-t", "0", "ppa")
	<-exited
	if out := u.must("run", "--rm", "--pod", "rpp", "bb", "cat", "/proc/1/comm"); out != "catatonit\n" {
		t.Errorf("after its first member ended, the pod's PID 1 is %q", out)
	}
	u.must("pod", "rm", "rpp")
	eventually(t, 20*time.Second, "pod rm to end the holder", func() bool {
		out, _ := exec.Command("ps", "-u", u.uid, "-o", "comm=").CombinedOutput()
		return !strings.Contains(string(out), "catatonit")
	})
}
