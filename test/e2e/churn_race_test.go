package e2e

import (
	"debug/buildinfo"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/podunit/podunit/test/harness"
)

// raceEnv is newEnv with podunit built with the race detector: the churn
// runs it for every command and, through the units it writes, for every
// unit-start and unit-stop.
func raceEnv(t *testing.T, sb *harness.Sandbox) *env {
	e := newEnv(t, sb, "crun")
	e.bin = harness.BuildPodunitRace(t)
	info, err := buildinfo.ReadFile(e.bin)
	if err != nil || !slices.Contains(info.Settings, debug.BuildSetting{Key: "-race", Value: "true"}) {
		t.Fatalf("%s is not built with -race (%v)", e.bin, err)
	}
	return e
}

// raceReports are the data races the sandbox's journal holds: those of
// podunit processes systemd ran (a command's own race makes it exit 66
// with the report on its stderr, an unclear failure already).
func raceReports(e *env) []string {
	out, _, code, err := e.sb.Exec("journalctl", "--no-pager", "-o", "cat")
	if err != nil || code != 0 {
		return []string{"reading the sandbox's journal for data races failed"}
	}
	var reports []string
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if strings.Contains(l, "WARNING: DATA RACE") {
			reports = append(reports, "data race in a podunit process systemd ran:\n"+
				strings.Join(lines[i:min(i+30, len(lines))], "\n"))
		}
	}
	return reports
}
