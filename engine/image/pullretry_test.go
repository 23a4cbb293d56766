package image

import (
	"fmt"
	"net"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/test/testimage"
)

// lateProxy is an address where nothing listens (connections are
// refused, as to a registry restarting) until after, then a forwarder to
// host; after 0 never listens.
func lateProxy(t *testing.T, host string, after time.Duration) string {
	t.Helper()
	addr := closedPort(t)
	if after == 0 {
		return addr
	}
	timer := time.AfterFunc(after, func() {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			return // the test then fails: its pull finds nothing
		}
		t.Cleanup(func() { l.Close() })
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go testimage.Forward(c, host)
		}
	})
	t.Cleanup(func() { timer.Stop() })
	return addr
}

func TestPullRetry(t *testing.T) {
	reg := testimage.StartRegistry(t)
	want := testimage.PushImage(t, reg+"/podunit/bb:1", testimage.Config{})
	s := newStore(t, "vfs")
	addr := lateProxy(t, reg, 0)
	rf := registryFor(t, addr)
	_, err := s.Pull(ctx, addr+"/podunit/bb:1", PullOptions{RegistryOptions: rf.reg})
	wantErr(t, err, errdefs.ErrUnavailable, addr+"/podunit/bb:1", "connection refused")

	addr = lateProxy(t, reg, 300*time.Millisecond)
	rf = registryFor(t, addr)
	begin := time.Now()
	img, err := s.Pull(ctx, addr+"/podunit/bb:1", PullOptions{RegistryOptions: rf.reg,
		PullExtras: PullExtras{Retry: DefaultPullRetries, RetryDelay: 200 * time.Millisecond}})
	if err != nil || img.ID != want {
		t.Fatalf("a pull from a registry that answers after 300ms, retried every 200ms: %+v, %v", img, err)
	}
	if took := time.Since(begin); took < 300*time.Millisecond {
		t.Errorf("the pull took %s: it cannot have waited for the registry", took)
	}
	_, err = s.Pull(ctx, reg+"/podunit/nothere:1", PullOptions{RegistryOptions: registryFor(t, reg).reg,
		PullExtras: PullExtras{Retry: DefaultPullRetries, RetryDelay: time.Hour}})
	wantErr(t, err, errdefs.ErrNotFound, "nothere") // final: no hour-long wait
}

// TestBrokenPipeIsRetried: a connection the registry dropped while the
// client wrote fails with EPIPE, not ECONNRESET; it is retried all the same
// (CI saw run --retry give up on one at once).
func TestBrokenPipeIsRetried(t *testing.T) {
	write := &net.OpError{Op: "write", Net: "tcp", Err: os.NewSyscallError("write", syscall.EPIPE)}
	err := fmt.Errorf("pulling %q: %w: %w", "x", errdefs.ErrUnavailable, write)
	if !retryablePull(err) {
		t.Errorf("%v is not retried", err)
	}
	if retryablePull(fmt.Errorf("%w: %w", errdefs.ErrNotFound, write)) {
		t.Error("a not-found error is retried")
	}
}
