package e2e

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// checkWaitRemoved: wait and attach give an --rm unit container's exit code
// although the unit's cleanup records the end and removes the record at
// once, under load (two busy processes) so the removal falls between two of
// wait's looks or before wait begins: the removal keeps the code a while.
// The old wait printed 0 or failed with "no such container".
func checkWaitRemoved(t *testing.T, e *env) {
	e = e.on(t)
	defer busy(t, 2)()
	for i := range 6 {
		script := fmt.Sprintf("sleep 0.%d; exit 7", i%3*2) // at once, 0.2 s, 0.4 s
		id := strings.TrimSpace(e.must("run", "-d", "--rm", "bb", "sh", "-c", script))
		if r := e.run("wait", id); r.code != 0 || r.out != "7\n" {
			t.Errorf("round %d: wait of an --rm unit (%s): exit %d, printed %q, stderr %q; want 7", i, script, r.code, r.out, r.err)
		}
	}
	for i := range 2 {
		name := fmt.Sprint("rmcon", i)
		e.must("run", "-dit", "--rm", "--name", name, "bb", "sh")
		s := onPty(t, e, "attach", name)
		s.send("\r")
		s.expect("# ")
		s.send("exit 5\r")
		s.wantExit(5, fmt.Sprintf("round %d: attach to an --rm unit that exits 5", i))
		if r := e.run("wait", name); r.code != 0 || r.out != "5\n" {
			t.Errorf("round %d: wait by name after the --rm unit ended: exit %d, printed %q, stderr %q; want 5", i, r.code, r.out, r.err)
		}
	}
}

// busy starts n processes that keep a CPU busy until the returned stop.
func busy(t *testing.T, n int) (stop func()) {
	t.Helper()
	var procs []*exec.Cmd
	for range n {
		p := exec.Command("yes")
		if err := p.Start(); err != nil {
			t.Fatal(err)
		}
		procs = append(procs, p)
	}
	return func() {
		for _, p := range procs {
			_ = p.Process.Kill()
			_ = p.Wait()
		}
	}
}

// checkWaitAttached: wait, from another podunit, on containers that run
// attached (no unit), each ending with 3 while wait looks: wait prints 3,
// what the attached run records, never an end it made up itself.
func checkWaitAttached(t *testing.T, e *env) {
	e = e.on(t)
	defer busy(t, 2)()
	for i := range 8 {
		name := fmt.Sprint("att", i)
		run := e.command(context.Background(), "run", "--rm", "--name", name, "bb", "sh", "-c", "sleep 0.3; exit 3")
		if err := run.Start(); err != nil {
			t.Fatal(err)
		}
		eventually(t, 20*time.Second, name+" running", func() bool {
			return e.run("inspect", "--format", "{{.State.Status}}", name).out == "running\n"
		})
		r := e.run("wait", name)
		_ = run.Wait()
		if r.code != 0 || r.out != "3\n" {
			t.Errorf("round %d: wait on an attached run: exit %d, printed %q, stderr %q; want 3", i, r.code, r.out, r.err)
		}
	}
}
