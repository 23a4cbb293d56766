package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/podunit/podunit/engine/names"
	"github.com/podunit/podunit/engine/network"
	"github.com/podunit/podunit/engine/systemd"
)

// known is what has a record: container IDs (damaged rows included), pod
// IDs and volume names.
type known struct{ containers, pods, volumes map[string]bool }

// known reads the sets of recorded objects afresh.
func (k *checker) known(ctx context.Context) (*known, error) {
	ids, err := k.recordIDs(ctx)
	if err != nil {
		return nil, err
	}
	kn := &known{containers: ids, pods: map[string]bool{}, volumes: map[string]bool{}}
	pods, bad, err := k.e.store.ScanPods(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range pods {
		kn.pods[p.ID] = true
	}
	for _, d := range bad {
		kn.pods[d.ID] = true
	}
	vols, err := k.e.store.Volumes(ctx)
	for _, v := range vols {
		kn.volumes[v.Name] = true
	}
	return kn, err
}

// orphanRuntime finds runtime state (crun's or runc's) of containers that
// have no record, and deletes it.
func (k *checker) orphanRuntime(ctx context.Context) error {
	kn, err := k.known(ctx)
	if err != nil {
		return err
	}
	for _, name := range []string{"crun", "runc"} {
		rt, err := k.e.runtimeFor(name)
		if err != nil {
			continue
		}
		for _, id := range idEntries(rt.Root) {
			if !kn.containers[id] {
				k.found("runtime state", id, name+" keeps state of a container that has no record", false, FixedRemoved,
					func() error { return rt.Delete(ctx, id, true) })
			}
		}
	}
	return nil
}

// orphanFiles finds bundles and pinned network namespaces of containers,
// and pinned namespaces of pods, that have no record, and removes them.
func (k *checker) orphanFiles(ctx context.Context) error {
	kn, err := k.known(ctx)
	if err != nil {
		return err
	}
	for _, id := range idEntries(k.e.runDirOf("containers")) {
		if !kn.containers[id] {
			k.found("bundle", id, "OCI bundle of a container that has no record", false, FixedRemoved,
				func() error { return os.RemoveAll(k.e.bundleDir(id)) })
		}
	}
	for _, id := range idEntries(k.e.runDirOf("netns")) {
		if !kn.containers[id] {
			k.found("namespace pin", id, "pinned network namespace of a container that has no record", false, FixedRemoved,
				func() error { return network.Unpin(k.e.netnsDir(id)) })
		}
	}
	for _, id := range idEntries(k.e.runDirOf("pods")) {
		if !kn.pods[id] {
			k.found("namespace pin", id, "pinned namespaces of a pod that has no record", false, FixedRemoved,
				func() error { return unpinPodDir(k.e.runDirOf("pods", id)) })
		}
	}
	k.orphanHelpers(kn)
	return nil
}

// orphanHelpers finds the pid files of rootless network helpers (pasta,
// slirp4netns) whose container or pod has no record, and ends the helper
// if it still runs: left over, it would keep a namespace and its ports.
func (k *checker) orphanHelpers(kn *known) {
	entries, _ := os.ReadDir(k.e.runDirOf("pasta"))
	for _, ent := range entries {
		name, stop := ent.Name(), network.StopPasta
		owner, ok := strings.CutSuffix(name, ".slirp.pid")
		if ok {
			stop = network.StopSlirp
		} else if owner, ok = strings.CutSuffix(name, ".pid"); !ok {
			continue
		}
		if kn.recorded(owner) {
			continue
		}
		path := k.e.runDirOf("pasta", name)
		k.found("network helper", owner, "pasta or slirp4netns of an object that has no record", false, FixedRemoved,
			func() error { return stop(path) })
	}
}

// orphanUnits finds loaded podunit units (of this storage root) whose
// container or pod has no record, and stops them.
func (k *checker) orphanUnits(ctx context.Context) error {
	if !k.e.unitsHere() {
		return nil
	}
	kn, err := k.known(ctx)
	if err != nil {
		return err
	}
	conn, err := k.e.connect(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var orphans []orphanUnit
	// A unit on its way in or out (a start that lost its record to an rm -f,
	// its unit-start failing; a stop) is no damage yet: wait until each
	// is active, or a while, and report what is still there then.
	for end := time.Now().Add(unitSettle); ; time.Sleep(100 * time.Millisecond) {
		if orphans, err = k.orphanUnitsNow(ctx, conn, kn); err != nil || settled(orphans) || time.Now().After(end) {
			break
		}
	}
	for _, o := range orphans {
		k.found("unit", o.name, "unit of a "+o.kind+" that has no record ("+names.ShortID(o.id)+")", false, FixedRemoved,
			func() error { return k.e.stopUnitHard(ctx, o.name) })
	}
	return err
}

// unitSettle bounds how long the check waits for units in transition.
const unitSettle = 3 * time.Second

type orphanUnit struct{ name, kind, id, state string }

// orphanUnitsNow lists the loaded podunit units whose object has no record.
func (k *checker) orphanUnitsNow(ctx context.Context, conn *systemd.Conn, kn *known) ([]orphanUnit, error) {
	units, err := conn.UnitsMatching(ctx, "podunit-*.service", "*-pod.service")
	if err != nil {
		return nil, err
	}
	var out []orphanUnit
	for _, u := range units {
		kind, id, ok := k.unitObject(u.Argv)
		if !ok || (kind == "container" && kn.containers[id]) || (kind == "pod" && kn.pods[id]) {
			continue
		}
		out = append(out, orphanUnit{name: u.Name, kind: kind, id: id, state: u.ActiveState})
	}
	return out, nil
}

// settled reports whether every unit is active: none is coming or going.
func settled(units []orphanUnit) bool {
	for _, u := range units {
		if u.state != "active" {
			return false
		}
	}
	return true
}

// unitObject reads which object a unit's command runs for: podunit's own
// unitArgs, with this engine's storage root, ending in KIND VERB ID.
func (k *checker) unitObject(argv []string) (kind, id string, ok bool) {
	i := slices.Index(argv, "--root")
	n := len(argv)
	if i < 0 || i+1 >= n || argv[i+1] != k.e.cfg.StorageRoot || n < 3 || !names.IsID(argv[n-1]) {
		return "", "", false
	}
	kind = argv[n-3]
	return kind, argv[n-1], kind == "container" || kind == "pod"
}

// staleLocks finds lock files of objects that have no record and removes
// them, each under its own lock so that no command holds or waits on it.
func (k *checker) staleLocks(ctx context.Context) error {
	kn, err := k.known(ctx)
	if err != nil {
		return err
	}
	entries, _ := os.ReadDir(k.e.runDirOf("locks"))
	for _, ent := range entries {
		id, ok := strings.CutSuffix(ent.Name(), ".lock")
		if !ok || kn.recorded(id) {
			continue
		}
		k.found("lock file", id, "lock of an object that has no record", false, FixedRemoved,
			func() error { return k.e.locks.RemoveIdle(id) })
	}
	return nil
}

// recorded reports whether id, the name of a lock or network helper file
// (a container ID, pod-ID, podpin-ID or volume-NAME), is a recorded object's; any
// other name (a lock that always stays, such as the networks lock) counts
// as recorded.
func (kn *known) recorded(id string) bool {
	switch {
	case names.IsID(id):
		return kn.containers[id]
	case strings.HasPrefix(id, "pod-"):
		return kn.pods[strings.TrimPrefix(id, "pod-")]
	case strings.HasPrefix(id, "podpin-"):
		return kn.pods[strings.TrimPrefix(id, "podpin-")]
	case strings.HasPrefix(id, "volume-"):
		return kn.volumes[strings.TrimPrefix(id, "volume-")]
	}
	return true
}

// idEntries lists the names in dir that are full IDs.
func idEntries(dir string) []string {
	entries, _ := os.ReadDir(dir)
	var ids []string
	for _, ent := range entries {
		if names.IsID(ent.Name()) {
			ids = append(ids, ent.Name())
		}
	}
	return ids
}

// runDirOf is a path under <runroot>/podunit.
func (e *Engine) runDirOf(elem ...string) string {
	return filepath.Join(append([]string{e.runDir}, elem...)...)
}

// unpinPodDir unpins a pod's namespaces and removes its directory.
func unpinPodDir(dir string) error {
	return errors.Join(network.Unpin(filepath.Join(dir, "ns")), network.Unpin(dir))
}
