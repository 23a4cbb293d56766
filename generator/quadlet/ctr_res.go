package quadlet

import (
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/podunit/podunit/generator/unitfile"
)

// ctrResources translates Memory=, PidsLimit=, ShmSize=, Ulimit= and
// Sysctl= into run flags, and puts the limits systemd owns (Memory=,
// PidsLimit=) on the unit too, as the engine does for a transient unit.
func (t *translator) ctrResources() error {
	if e, ok := t.last("Memory"); ok {
		n, err := sizeBytes(e)
		if err != nil {
			return err
		}
		t.args = append(t.args, unitfile.Value("--memory", e.Value)...)
		t.out.Add("Service", "MemoryMax", strconv.FormatInt(max(n, unitMinMemory), 10))
	}
	if e, ok := t.last("PidsLimit"); ok {
		n, err := strconv.ParseInt(e.Value, 10, 64)
		if err != nil || n < -1 {
			return errf(e, "not a number of processes (-1 for no limit)")
		}
		t.args = append(t.args, unitfile.Value("--pids-limit", e.Value)...)
		tasks := strconv.FormatInt(max(n, unitMinTasks), 10)
		if n <= 0 {
			tasks = "infinity"
		}
		t.out.Add("Service", "TasksMax", tasks)
	}
	t.flag("ShmSize", "--shm-size")
	t.flagEach("Ulimit", "--ulimit")
	return t.flagWords("Sysctl", "--sysctl")
}

// unitMinMemory and unitMinTasks are the engine's floors for a unit's
// MemoryMax= and TasksMax= (engine/model.UnitMinMemory): podunit's
// unit-start runs in the unit's cgroup before the container does.
const (
	unitMinMemory = 32 << 20
	unitMinTasks  = 32
)

// sizeRE is Podman's size form (go-units RAMInBytes): 512m, 1.5g, 100, 2GiB.
var sizeRE = regexp.MustCompile(`^(\d+(?:\.\d+)?) ?([kKmMgGtTpP])?[iI]?[bB]?$`)

// sizeBytes reads e's value as Podman reads --memory, in bytes.
func sizeBytes(e unitfile.Entry) (int64, error) {
	m := sizeRE.FindStringSubmatch(e.Value)
	if m == nil {
		return 0, errf(e, "not a size (bytes, or a number with b, k, m or g, such as 512m)")
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	if m[2] != "" {
		v *= math.Pow(1024, float64(strings.Index("kmgtp", strings.ToLower(m[2]))+1))
	}
	if v >= math.MaxInt64 {
		return 0, errf(e, "too large")
	}
	return int64(v), nil
}
