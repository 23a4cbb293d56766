package e2e

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// checkRootlessPod: a rootless pod with no process of its own: the first
// member makes the namespaces, the next one (started by another podunit,
// in another user namespace at first) joins them and reaches the first on
// 127.0.0.1 and sees its host name.
func checkRootlessPod(t *testing.T, u *rootlessUser) {
	u.must("pod", "create", "--name", "rp", "--hostname", "rphost")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := u.command(ctx, nil, "run", "--rm", "--name", "rsrv", "--pod", "rp", "bb", "sh", "-c",
		"mkdir -p /www && echo from-first-member > /www/i && exec httpd -f -p 127.0.0.1:8080 -h /www")
	var first bytes.Buffer
	cmd.Stdout, cmd.Stderr = &first, &first
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if t.Failed() {
			t.Logf("the first member's output: %s", first.String())
		}
		if cmd.ProcessState == nil {
			_ = u.run(nil, "rm", "-f", "-t", "0", "rsrv")
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	}()
	var r result
	eventually(t, time.Minute, "the second member to reach the first on 127.0.0.1", func() bool {
		r = u.run(nil, "run", "--rm", "--pod", "rp", "bb", "sh", "-c", "wget -qO- http://127.0.0.1:8080/i && hostname")
		return r.code == 0
	})
	if got := strings.Fields(r.out); len(got) != 2 || got[0] != "from-first-member" || got[1] != "rphost" {
		t.Errorf("the second member printed %q (stderr %q)", r.out, r.err)
	}
	u.must("rm", "-f", "-t", "0", "rsrv")
	_ = cmd.Wait()
	if out := u.must("ps", "-aq"); out != "" {
		t.Errorf("left %q", out)
	}
	u.must("pod", "rm", "rp")
}
