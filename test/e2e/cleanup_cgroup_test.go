package e2e

import (
	"strings"
	"testing"

	"github.com/podunit/podunit/test/harness"
)

// TestUnitCleanupWithoutRecordDropsCgroups: a unit whose record is gone by
// the time it stops (a concurrent rm -f or repair) still has its
// ExecStopPost= drop the cgroups the runtime made in the hierarchies
// systemd does not manage. The churn left podunit-c2.service in cpuacct,
// cpuset and freezer that way.
func TestUnitCleanupWithoutRecordDropsCgroups(t *testing.T) {
	t.Parallel()
	sb := harness.Boot(t, harness.Options{})
	e := newEnv(t, sb, "crun")
	e.image()
	id := strings.TrimSpace(e.must("run", "-d", "--name", "gone", "bb", "sleep", "600"))
	e.sql("DELETE FROM containers WHERE id = '" + id + "'")
	sb.Run(t, "systemctl", "stop", "podunit-gone.service")
	if left := cgroupLeftovers(e); len(left) > 0 {
		t.Errorf("the unit of a container without record left cgroups:\n%s", strings.Join(left, "\n"))
	}
	e.must("system", "check", "--repair")
}
