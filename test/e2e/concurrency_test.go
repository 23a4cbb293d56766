package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/podunit/podunit/test/harness"
)

// TestConcurrentCommands starts 20 podunit commands at once, on different
// containers and several on the same one, under systemd. Each must succeed
// or fail with a clear conflict, and afterwards the records, storage and
// systemd must agree.
func TestConcurrentCommands(t *testing.T) {
	t.Parallel()
	sb := harness.Boot(t, harness.Options{})
	e := newEnv(t, sb, "runc")
	e.image()
	for i := 0; i < 5; i++ {
		e.must("run", "-d", "--name", fmt.Sprintf("c%d", i), "--stop-signal", "KILL", "bb", "sleep", "600")
	}
	e.must("stop", "c0", "c1")
	cmds := [][]string{
		{"start", "c0"}, {"start", "c0"}, {"start", "c1"}, {"start", "c1"},
		{"stop", "c2"}, {"stop", "c2"},
		{"rm", "-f", "c3"}, {"rm", "-f", "c3"}, {"rm", "-f", "c3"},
		{"create", "--name", "dup", "bb", "true"}, {"create", "--name", "dup", "bb", "true"},
		{"create", "--name", "dup", "bb", "true"},
		{"stop", "c4"}, {"rm", "-f", "c4"}, {"start", "c4"},
		{"create", "--name", "n1", "bb", "true"}, {"create", "--name", "n2", "bb", "true"},
		{"run", "-d", "--name", "n3", "bb", "sleep", "600"}, {"ps", "-a"}, {"images"},
	}
	results := make([]result, len(cmds))
	var wg sync.WaitGroup
	for i, args := range cmds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = e.run(args...)
		}()
	}
	wg.Wait()
	clear := regexp.MustCompile(`already in use|not found|removed by another command|conflict|is running`)
	dupOK := 0
	for i, r := range results {
		t.Logf("podunit %s: exit %d %s", strings.Join(cmds[i], " "), r.code, strings.TrimSpace(r.err))
		// rm exits as podman-rm(1) says: 1 for a container another command
		// removed ("no such container"), 2 for one that is (again) running
		want := 125
		switch {
		case cmds[i][0] == "rm" && strings.Contains(r.err, "not found"):
			want = 1
		case cmds[i][0] == "rm" && strings.Contains(r.err, "conflict"):
			want = 2
		}
		if r.code != 0 && (r.code != want || !clear.MatchString(r.err)) {
			t.Errorf("podunit %s: exit %d: %s", strings.Join(cmds[i], " "), r.code, r.err)
		}
		if cmds[i][0] == "create" && cmds[i][2] == "dup" && r.code == 0 {
			dupOK++
		}
	}
	if dupOK != 1 {
		t.Errorf("%d of 3 concurrent creates of one name succeeded, want exactly 1", dupOK)
	}
	checkAgreement(t, e)
}

// checkAgreement compares podunit's records with storage and with systemd.
func checkAgreement(t *testing.T, e *env) {
	t.Helper()
	ids := strings.Fields(e.must("ps", "-a", "--no-trunc", "-q"))
	sort.Strings(ids)
	stored := storageContainers(t, e)
	if strings.Join(ids, " ") != strings.Join(stored, " ") {
		t.Errorf("ps -a and storage disagree:\nps:      %v\nstorage: %v", ids, stored)
	}
	rows := e.must("ps", "-a", "--format", "{{.Names}} {{.State}}")
	for _, row := range strings.Split(strings.TrimSpace(rows), "\n") {
		name, state, _ := strings.Cut(row, " ")
		out, _, _, _ := e.sb.Exec("systemctl", "is-active", "podunit-"+name+".service")
		active := strings.TrimSpace(out) == "active"
		if active != (state == "running") {
			t.Errorf("container %s is %s but its unit is %s", name, state, strings.TrimSpace(out))
		}
	}
}

// storageContainers lists the container IDs containers/storage holds.
func storageContainers(t *testing.T, e *env) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(e.dir, "root", "overlay-containers", "containers.json"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var list []struct{ ID string }
	if err := json.Unmarshal(b, &list); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range list {
		ids = append(ids, c.ID)
	}
	sort.Strings(ids)
	return ids
}
