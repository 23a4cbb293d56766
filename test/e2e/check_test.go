package e2e

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
)

// checkClean requires system check to find nothing.
func checkClean(t *testing.T, e *env) {
	t.Helper()
	if r := e.run("system", "check"); r.code != 0 || r.out != "" {
		t.Errorf("system check after repair: exit %d\n%s%s", r.code, r.out, r.err)
	}
}

// checkFinds requires system check (without repair) to fail naming each id.
func checkFinds(t *testing.T, e *env, ids ...string) {
	t.Helper()
	r := e.run("system", "check")
	if r.code != 125 || !strings.Contains(r.err, "damage detected") {
		t.Errorf("system check: exit %d, %q; want 125, damage detected", r.code, r.err)
	}
	for _, id := range ids {
		if !strings.Contains(r.out, "Damaged ") || !strings.Contains(r.out, id) {
			t.Errorf("system check does not report %s:\n%s", id, r.out)
		}
	}
}

// repaired requires ps -a to list names (one a line), the container run
// to run, and system check to find nothing more.
func repaired(t *testing.T, e *env, names, run string) {
	t.Helper()
	if got := e.must("ps", "-a", "--format", "{{.Names}}"); got != names {
		t.Errorf("ps -a after repair = %q, want %q", got, names)
	}
	runs(t, e, run)
	checkClean(t, e)
}

// runs requires the container to start, run its command and exit 0: its
// configuration survived.
func runs(t *testing.T, e *env, name string) {
	t.Helper()
	if r := e.run("start", "-a", name); r.code != 0 {
		t.Errorf("start -a %s after repair: exit %d, %s", name, r.code, r.err)
	}
}

func TestSystemCheckRepairsACorruptedDatabase(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	e.image()
	e.must("create", "--name", "a", "bb", "true")
	e.must("create", "--name", "b", "--env", "X=kept", "bb", "sh", "-c", `test "$X" = kept`)
	bad := e.field("b", "{{.ID}}")
	e.sql(`UPDATE containers SET data = '{"id":' WHERE id = '` + bad + `'`)
	checkFinds(t, e, bad)
	out := e.must("system", "check", "--repair")
	if !strings.Contains(out, "Rebuilt container record: "+bad) {
		t.Errorf("repair does not say it rebuilt %s:\n%s", bad, out)
	}
	repaired(t, e, "a\nb\n", "b")
}

// TestSystemCheckRewritesColumnsOutOfStep: a row whose status column says
// running while its record says created (ps, which asks for the rows whose
// column says running, would list it) is found by check, and repair writes
// the column again from the record.
func TestSystemCheckRewritesColumnsOutOfStep(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	e.image()
	e.must("create", "--name", "a", "bb", "true")
	e.must("create", "--name", "b", "bb", "true")
	a := e.field("a", "{{.ID}}")
	e.sql(`UPDATE containers SET status = 'running' WHERE id = '` + a + `'`)
	checkFinds(t, e, a)
	if out := e.must("system", "check", "--repair"); !strings.Contains(out, "Rebuilt container record: "+a) {
		t.Errorf("repair does not say it rebuilt %s:\n%s", a, out)
	}
	checkClean(t, e)
	if got := e.sql(`SELECT status FROM containers WHERE id = '` + a + `'`); got != "created" {
		t.Errorf("status column after repair = %q, want created", got)
	}
	if out := e.must("ps", "--format", "{{.Names}}"); out != "" {
		t.Errorf("ps lists %q after the repair; nothing runs", out)
	}
}

func TestSystemCheckRebuildsAnEmptiedDatabase(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	e.image()
	e.must("create", "--name", "a", "bb", "true")
	e.must("run", "--name", "r", "-v", "keep:/keep", "bb", "sh", "-c", "echo data > /keep/f")
	pid := killedRun(t, e, "orphan")
	e.loseState(false)
	if r := e.run("ps", "-a"); r.code != 125 {
		t.Fatalf("ps -a over the emptied database: exit %d", r.code)
	}
	checkFinds(t, e)
	out := e.must("system", "check", "--repair")
	if n := strings.Count(out, "Rebuilt container record: "); n != 3 {
		t.Errorf("repair rebuilt %d records, want 3:\n%s", n, out)
	}
	if got := e.must("ps", "-a", "--format", "{{.Names}} {{.State}}"); got != "a created\nr created\norphan created\n" {
		t.Errorf("ps -a after repair = %q", got)
	}
	if _, err := os.Stat("/proc/" + pid); err == nil {
		t.Errorf("the orphan's process %s still runs while its record says created", pid)
	}
	if got := e.must("volume", "ls", "-q"); got != "keep\n" {
		t.Errorf("volumes after repair: %q", got)
	}
	runs(t, e, "a")
	if r := e.run("start", "-a", "r"); r.code != 0 {
		t.Errorf("r over its rebuilt volume: exit %d, %s", r.code, r.err)
	}
	if got := e.must("run", "--rm", "-v", "keep:/keep", "bb", "cat", "/keep/f"); got != "data\n" {
		t.Errorf("the volume's data after repair: %q", got)
	}
	checkClean(t, e)
}

func TestSystemCheckRepairsADeletedStorageContainer(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	e.image()
	e.must("create", "--name", "a", "bb", "true")
	id := e.field("a", "{{.ID}}")
	deleteStorageContainer(t, e, id)
	checkFinds(t, e, id)
	out := e.must("system", "check", "--repair")
	if !strings.Contains(out, "Rebuilt storage container: "+id) {
		t.Errorf("repair does not say it rebuilt the storage container of %s:\n%s", id, out)
	}
	runs(t, e, "a")
	checkClean(t, e)

	deleteStorageContainer(t, e, id)
	e.must("rmi", "bb")
	if r := e.run("system", "check", "--repair"); r.code != 125 || !strings.Contains(r.out, "--force") {
		t.Errorf("repair without --force of a container whose image is gone too: exit %d\n%s", r.code, r.out)
	}
	out = e.must("system", "check", "--repair", "--force")
	if !strings.Contains(out, "Deleted damaged container: "+id) {
		t.Errorf("repair --force does not say it removed %s:\n%s", id, out)
	}
	checkClean(t, e)
	if out := e.must("ps", "-aq"); out != "" {
		t.Errorf("records remain: %q", out)
	}
}

// deleteStorageContainer removes a storage container behind podunit's
// back, as another tool or a damaged disk would.
func deleteStorageContainer(t *testing.T, e *env, id string) {
	t.Helper()
	path := filepath.Join(e.dir, "root", "overlay-containers", "containers.json")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var list []map[string]any
	if err := json.Unmarshal(b, &list); err != nil {
		t.Fatal(err)
	}
	kept := list[:0]
	for _, c := range list {
		if c["id"] != id {
			kept = append(kept, c)
		}
	}
	if b, err = json.Marshal(kept); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(e.dir, "root", "overlay-containers", id)); err != nil {
		t.Fatal(err)
	}
}

// TestSystemCheckUnderSystemd: a detached container's unit outlives its
// lost record; repair stops the unit and rebuilds the record as created,
// and the container starts again as its unit.
func TestSystemCheckUnderSystemd(t *testing.T) {
	t.Parallel()
	sb := harness.Boot(t, harness.Options{})
	e := newEnv(t, sb, "crun")
	e.image()
	mustSettled(t, e, "run", "-d", "--name", "web", "bb", "sleep", "600")
	e.loseState(false)
	checkFinds(t, e)
	e.must("system", "check", "--repair")
	if st := strings.TrimSpace(sb.Run(t, "systemctl", "show", "-P", "ActiveState", "podunit-web.service")); st == "active" {
		t.Errorf("the unit of the lost record still runs")
	}
	if got := e.field("web", "{{.State.Status}}"); got != "created" {
		t.Errorf("rebuilt record says %s", got)
	}
	e.must("start", "web")
	if got := e.field("web", "{{.State.Status}}"); got != "running" {
		t.Errorf("after start: %s", got)
	}
	e.must("rm", "-f", "-t", "0", "web")
	checkClean(t, e)
}

// killedRun starts an attached container and SIGKILLs podunit once it
// runs: the container outlives it. It returns the container's pid.
func killedRun(t *testing.T, e *env, name string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := e.command(ctx, "run", "--name", name, "bb", "sleep", "600")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	eventually(t, 20*time.Second, name+" running", func() bool {
		return e.run("inspect", "--format", "{{.State.Status}}", name).out == "running\n"
	})
	pid := e.field(name, "{{.State.Pid}}")
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	return pid
}

// TestSystemCheckStopsOrphanPodUnit: a started pod whose record is lost
// leaves its unit and pinned namespaces; check finds both by the pod's ID
// and repair stops the unit and unpins them.
func TestSystemCheckStopsOrphanPodUnit(t *testing.T) {
	t.Parallel()
	sb := harness.Boot(t, harness.Options{Net: true})
	e := newEnv(t, sb, "crun")
	e.image()
	e.must("pod", "create", "--name", "p")
	e.must("create", "--pod", "p", "--name", "m", "bb", "sleep", "600")
	e.must("pod", "start", "p")
	id := strings.TrimSpace(e.must("pod", "inspect", "--format", "{{.ID}}", "p"))
	e.must("pod", "stop", "-t", "0", "p")
	e.must("rm", "m")
	e.must("pod", "start", "p")
	e.sh("sqlite3 " + e.stateDB() + " \"DELETE FROM pods WHERE id = '" + id + "'\"")
	r := e.run("system", "check")
	if r.code != 125 || !strings.Contains(r.out, "Damaged unit p-pod.service") || !strings.Contains(r.out, "Damaged namespace pin "+id) {
		t.Fatalf("system check of a started pod whose record is lost: exit %d\n%s%s", r.code, r.out, r.err)
	}
	e.must("system", "check", "--repair")
	if st := strings.TrimSpace(sb.Run(t, "systemctl", "show", "-P", "ActiveState", "p-pod.service")); st == "active" {
		t.Errorf("the orphan pod unit still runs")
	}
	checkClean(t, e)
}

// TestSystemCheckRepairsAGarbledDatabaseFile: a state.db that is no longer
// a database is refused, naming it; repair sets it aside and rebuilds the
// records from the storage containers.
func TestSystemCheckRepairsAGarbledDatabaseFile(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	e.image()
	e.must("create", "--name", "a", "bb", "true")
	e.must("create", "--name", "b", "bb", "true")
	e.loseState(true)
	if err := os.WriteFile(e.stateDB(), []byte(strings.Repeat("not a database\n", 512)), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := e.run("ps", "-a"); r.code != 125 || !strings.Contains(r.err, e.stateDB()) || !strings.Contains(r.err, "damaged") {
		t.Fatalf("ps -a over a garbled state.db: exit %d, %q", r.code, r.err)
	}
	if r := e.run("system", "check"); r.code != 125 {
		t.Errorf("system check without --repair over a garbled state.db: exit %d", r.code)
	}
	out := e.must("system", "check", "--repair")
	if n := strings.Count(out, "Rebuilt container record: "); n != 2 {
		t.Errorf("repair rebuilt %d records, want 2:\n%s", n, out)
	}
	if aside, _ := filepath.Glob(e.stateDB() + ".damaged-*"); len(aside) != 1 {
		t.Errorf("the garbled file was not kept aside: %v", aside)
	}
	repaired(t, e, "a\nb\n", "a")
}

// TestSystemCheckSetsAsideACorruptDatabase: garbled pages inside state.db
// are found by SQLite's own check; --repair --force sets the file aside
// and rebuilds the container records from the storage containers.
func TestSystemCheckSetsAsideACorruptDatabase(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	e.image()
	for i := 0; i < 40; i++ {
		e.must("create", "--name", "c"+strconv.Itoa(i), "--label", "pad="+strings.Repeat("x", 200), "bb", "true")
	}
	e.sql("PRAGMA wal_checkpoint(TRUNCATE)")
	f, err := os.OpenFile(e.stateDB(), os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte(strings.Repeat("\xa5", 4096)), 8192); err != nil {
		t.Fatal(err)
	}
	f.Close()
	r := e.run("system", "check", "--repair")
	if r.code != 125 || !strings.Contains(r.out, "Damaged state database "+e.stateDB()) || !strings.Contains(r.out, "--force") {
		t.Fatalf("repair without --force of a corrupt database: exit %d\n%s%s", r.code, r.out, r.err)
	}
	out := e.must("system", "check", "--repair", "--force")
	if n := strings.Count(out, "Rebuilt container record: "); n != 40 {
		t.Errorf("repair rebuilt %d records, want 40:\n%s", n, out)
	}
	if got := strings.Count(e.must("ps", "-aq"), "\n"); got != 40 {
		t.Errorf("ps -a after repair lists %d containers, want 40", got)
	}
	checkClean(t, e)
}

// TestSystemCheckEndsOrphanNetworkHelpers: a rootless network helper whose
// container or pod has no record (a crash between the helper's start and
// the record's) is reported by system check, and --repair ends the process
// its pid file names (a stand-in whose command line names the file, as
// pasta's does) and removes the file; a stale slirp4netns file goes too.
func TestSystemCheckEndsOrphanNetworkHelpers(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	e.must("ps", "-a") // the run root exists
	dir := filepath.Join(e.runDir(), "podunit", "pasta")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	ctr, pod := strings.Repeat("c1", 32), strings.Repeat("d2", 32)
	pastaFile := filepath.Join(dir, ctr+".pid")
	standIn := exec.Command("sh", "-c", "sleep 1000; :", "sh", pastaFile)
	if err := standIn.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = standIn.Process.Kill(); _ = standIn.Wait() }()
	files := map[string]string{
		pastaFile: strconv.Itoa(standIn.Process.Pid),
		filepath.Join(dir, "pod-"+pod+".slirp.pid"): "999999999 1",
	}
	for p, content := range files {
		if err := os.WriteFile(p, []byte(content+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	checkFinds(t, e, ctr, "pod-"+pod)
	if r := e.run("system", "check", "--repair"); r.code != 0 {
		t.Fatalf("system check --repair: exit %d\n%s%s", r.code, r.out, r.err)
	}
	done := make(chan error, 1)
	go func() { done <- standIn.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Error("the orphan helper still runs after --repair")
	}
	for p := range files {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s is still there after --repair (%v)", p, err)
		}
	}
	checkClean(t, e)
}
