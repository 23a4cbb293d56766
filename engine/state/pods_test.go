package state

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
)

func TestPodAddAndGetByNameIDAndPrefix(t *testing.T) {
	s, _ := openTemp(t)
	id := testID("1a2b3c4d5e6f", 1)
	mustAddPod(t, s, fullPod(id, "web"))
	for _, ref := range []string{"web", id, id[:12], id[:1]} {
		if got := mustGetPod(t, s, ref); !reflect.DeepEqual(got, fullPod(id, "web")) {
			t.Errorf("Pod(%q) = %+v", ref, got)
		}
	}
	for _, ref := range []string{"we", "web2", "1a2b3c4d5e6e", id + "0", "1A2B"} {
		if _, err := s.Pod(ctx, ref); !errdefs.IsNotFound(err) {
			t.Errorf("Pod(%q) = %v, want not found", ref, err)
		}
	}
	_, err := s.Pod(ctx, "x")
	if want := `no pod with name or ID "x" found: not found`; err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
	if _, err := s.Pod(ctx, ""); !errdefs.IsInvalidArgument(err) {
		t.Errorf("Pod(\"\") = %v", err)
	}
}

func TestPodAmbiguousPrefixAndExactMatch(t *testing.T) {
	s, _ := openTemp(t)
	a, b := testID("abc1", 1), testID("abc2", 2)
	mustAddPod(t, s, minimalPod(a, "abc"))
	mustAddPod(t, s, minimalPod(b, "other"))
	if got := mustGetPod(t, s, "abc"); got.ID != a {
		t.Errorf("name abc resolved to %s, want the exact name", got.ID)
	}
	_, err := s.Pod(ctx, "ab")
	if !errdefs.IsInvalidArgument(err) || !strings.HasPrefix(err.Error(), `pod ID prefix "ab" is ambiguous`) {
		t.Errorf("Pod(ab) = %v, want ambiguous", err)
	}
}

func TestPodDuplicateNameOrIDChangesNothing(t *testing.T) {
	s, _ := openTemp(t)
	id := testID("1a2b3c4d5e6f", 1)
	mustAddPod(t, s, minimalPod(id, "web"))
	err := s.AddPod(ctx, minimalPod(testID("", 2), "web"))
	want := `pod name "web" is already in use by 1a2b3c4d5e6f: already exists`
	if !errdefs.IsAlreadyExists(err) || err.Error() != want {
		t.Errorf("duplicate name: %v, want %q", err, want)
	}
	err = s.AddPod(ctx, minimalPod(id, "other"))
	if !errdefs.IsAlreadyExists(err) || !strings.Contains(err.Error(), `pod "web"`) {
		t.Errorf("duplicate ID: %v", err)
	}
	all, err := s.Pods(ctx)
	if err != nil || len(all) != 1 || !reflect.DeepEqual(all[0], minimalPod(id, "web")) {
		t.Errorf("after refused adds: %v %+v", err, all)
	}
}

// Pods and containers have separate name spaces, and separate ID spaces
// as far as lookups go, as in Podman.
func TestPodAndContainerNamesAreSeparate(t *testing.T) {
	s, _ := openTemp(t)
	podID, ctrID := testID("", 1), testID("", 2)
	mustAddPod(t, s, minimalPod(podID, "web"))
	mustAdd(t, s, member(ctrID, "web", podID))
	if got := mustGetPod(t, s, "web"); got.ID != podID {
		t.Errorf("Pod(web) = %s", got.ID)
	}
	if got := mustGet(t, s, "web"); got.ID != ctrID {
		t.Errorf("Container(web) = %s", got.ID)
	}
	if _, err := s.Pod(ctx, ctrID); !errdefs.IsNotFound(err) {
		t.Errorf("Pod(container's ID) = %v", err)
	}
	if _, err := s.Container(ctx, podID); !errdefs.IsNotFound(err) {
		t.Errorf("Container(pod's ID) = %v", err)
	}
}

func TestPodInvalidRecords(t *testing.T) {
	s, _ := openTemp(t)
	bad := []*model.Pod{nil, minimalPod("", "a"), minimalPod("abc", "a"),
		minimalPod(strings.ToUpper(testID("ab", 1)), "a"), minimalPod(testID("", 1), "")}
	for _, p := range bad {
		if err := s.AddPod(ctx, p); !errdefs.IsInvalidArgument(err) {
			t.Errorf("AddPod(%+v) = %v, want invalid argument", p, err)
		}
	}
}

func TestUpdatePodRoundTripsEveryFieldInUTC(t *testing.T) {
	s, _ := openTemp(t)
	id := testID("", 1)
	want := fullPod(id, "web")
	requireAllSet(t, reflect.ValueOf(*want), "Pod")
	p := minimalPod(id, "web")
	zone := time.FixedZone("X", 5*3600)
	p.Created = p.Created.In(zone)
	mustAddPod(t, s, p)
	if p.Created.Location() != zone {
		t.Error("AddPod changed the caller's record")
	}
	if got := mustGetPod(t, s, id); got.Created.Location() != time.UTC || !got.Created.Equal(p.Created) {
		t.Errorf("Created = %v, want %v in UTC", got.Created, p.Created)
	}
	got, err := s.UpdatePod(ctx, id, func(p *model.Pod) error {
		*p = *fullPod(id, "web")
		p.Created = p.Created.In(zone)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("UpdatePod returned\n%+v\nwant\n%+v", got, want)
	}
	if read := mustGetPod(t, s, id); !reflect.DeepEqual(read, want) {
		t.Errorf("stored\n%+v\nwant\n%+v", read, want)
	}
}

func TestUpdatePodErrorsChangeNothing(t *testing.T) {
	s, _ := openTemp(t)
	a, b := testID("", 1), testID("", 2)
	mustAddPod(t, s, fullPod(a, "web"))
	mustAddPod(t, s, minimalPod(b, "db"))
	boom := errors.New("boom")
	_, err := s.UpdatePod(ctx, a, func(p *model.Pod) error {
		p.State.Unit = "changed"
		p.Name = "changed"
		return boom
	})
	if err != boom {
		t.Errorf("UpdatePod = %v, want fn's own error", err)
	}
	rename := func(to string) error {
		_, err := s.UpdatePod(ctx, a, func(p *model.Pod) error { p.Name = to; return nil })
		return err
	}
	if err := rename("db"); !errdefs.IsAlreadyExists(err) {
		t.Errorf("rename onto db = %v", err)
	}
	if err := rename(""); !errdefs.IsInvalidArgument(err) {
		t.Errorf("rename to empty = %v", err)
	}
	_, err = s.UpdatePod(ctx, a, func(p *model.Pod) error { p.ID = b; return nil })
	if !errdefs.IsInvalidArgument(err) {
		t.Errorf("ID change = %v", err)
	}
	if got := mustGetPod(t, s, a); !reflect.DeepEqual(got, fullPod(a, "web")) {
		t.Errorf("row changed by failed updates: %+v", got)
	}
	if err := rename("front"); err != nil || mustGetPod(t, s, "front").ID != a {
		t.Errorf("rename to front = %v", err)
	}
	_, err = s.UpdatePod(ctx, testID("", 3), func(*model.Pod) error { return nil })
	if !errdefs.IsNotFound(err) {
		t.Errorf("update of missing = %v", err)
	}
}

func TestPodsOrder(t *testing.T) {
	s, _ := openTemp(t)
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, n := range []int{3, 1, 2, 0} {
		p := minimalPod(testID("", 10-i), "p"+string(rune('a'+i)))
		p.Created = base.Add(time.Duration(n/2) * time.Second)
		mustAddPod(t, s, p)
	}
	all, err := s.Pods(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// created 0s: pb (id 9), pd (id 7); created 1s: pa (id 10), pc (id 8)
	if got, want := podNames(all), "pd pb pc pa"; got != want {
		t.Errorf("order = %s, want %s", got, want)
	}
}

func TestRemovePodRefusedWhileItHasMembers(t *testing.T) {
	s, _ := openTemp(t)
	podID := testID("", 1)
	a, b := testID("", 2), testID("", 3)
	mustAddPod(t, s, minimalPod(podID, "web"))
	mustAdd(t, s, member(a, "a", podID))
	mustAdd(t, s, member(b, "b", podID))
	mustAdd(t, s, minimal(testID("", 4), "loner"))
	err := s.RemovePod(ctx, podID)
	if want := `pod "web" still has 2 containers: conflict`; !errdefs.IsConflict(err) || err.Error() != want {
		t.Errorf("RemovePod = %v, want %q", err, want)
	}
	if err := s.RemoveContainer(ctx, a); err != nil {
		t.Fatal(err)
	}
	err = s.RemovePod(ctx, podID)
	if want := `pod "web" still has 1 container: conflict`; !errdefs.IsConflict(err) || err.Error() != want {
		t.Errorf("RemovePod = %v, want %q", err, want)
	}
	mustGetPod(t, s, podID)
	if err := s.RemoveContainer(ctx, b); err != nil {
		t.Fatal(err)
	}
	if err := s.RemovePod(ctx, podID); err != nil {
		t.Fatalf("RemovePod of an empty pod = %v", err)
	}
	if _, err := s.Pod(ctx, "web"); !errdefs.IsNotFound(err) {
		t.Errorf("after remove: %v", err)
	}
	if err := s.RemovePod(ctx, podID); !errdefs.IsNotFound(err) {
		t.Errorf("second remove = %v, want not found", err)
	}
	mustAddPod(t, s, minimalPod(podID, "web")) // the name and ID are free again
}

func TestAddContainerToMissingPodWritesNothing(t *testing.T) {
	s, _ := openTemp(t)
	podID := testID("1a2b3c4d5e6f", 1)
	err := s.AddContainer(ctx, member(testID("", 2), "web", podID))
	if want := `pod 1a2b3c4d5e6f does not exist: not found`; !errdefs.IsNotFound(err) || err.Error() != want {
		t.Errorf("AddContainer = %v, want %q", err, want)
	}
	all, err := s.Containers(ctx)
	if err != nil || len(all) != 0 {
		t.Errorf("after a refused add: %v %+v", err, all)
	}
	// A prefix or a name is not enough: Config.Pod is the pod's full ID.
	mustAddPod(t, s, minimalPod(podID, "pod"))
	for _, ref := range []string{podID[:12], "pod"} {
		if err := s.AddContainer(ctx, member(testID("", 2), "web", ref)); !errdefs.IsNotFound(err) {
			t.Errorf("AddContainer(pod=%q) = %v, want not found", ref, err)
		}
	}
	mustAdd(t, s, member(testID("", 2), "web", podID))
}

func TestPodContainersOrderAndMembership(t *testing.T) {
	s, _ := openTemp(t)
	p, q := testID("", 100), testID("", 101)
	mustAddPod(t, s, minimalPod(p, "p"))
	mustAddPod(t, s, minimalPod(q, "q"))
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, n := range []int{3, 1, 2, 0} {
		c := member(testID("", 10-i), "c"+string(rune('a'+i)), p)
		c.Created = base.Add(time.Duration(n/2) * time.Second)
		mustAdd(t, s, c)
	}
	mustAdd(t, s, member(testID("", 20), "other", q))
	mustAdd(t, s, minimal(testID("", 21), "loner"))
	// created 0s: cb (id 9), cd (id 7); created 1s: ca (id 10), cc (id 8)
	if got, want := podMembers(t, s, p), "cd cb cc ca"; got != want {
		t.Errorf("PodContainers(p) = %s, want %s", got, want)
	}
	if got := podMembers(t, s, q); got != "other" {
		t.Errorf("PodContainers(q) = %s", got)
	}
	if got := podMembers(t, s, testID("", 102)); got != "" {
		t.Errorf("PodContainers(no such pod) = %s", got)
	}
	if _, err := s.PodContainers(ctx, ""); !errdefs.IsInvalidArgument(err) {
		t.Errorf("PodContainers(\"\") = %v", err)
	}
	// An update keeps the indexed column in step with Config.Pod, and may
	// not point it at a pod that does not exist.
	move := func(to string) error {
		_, err := s.UpdateContainer(ctx, testID("", 20), func(c *model.Container) error {
			c.Config.Pod = to
			return nil
		})
		return err
	}
	if err := move(testID("", 102)); !errdefs.IsNotFound(err) {
		t.Errorf("move to a missing pod = %v", err)
	}
	if err := move(p); err != nil {
		t.Fatal(err)
	}
	if got, want := podMembers(t, s, p), "cd cb cc ca other"; got != want {
		t.Errorf("after move: PodContainers(p) = %s, want %s", got, want)
	}
	if got := podMembers(t, s, q); got != "" {
		t.Errorf("after move: PodContainers(q) = %s", got)
	}
	if err := s.RemovePod(ctx, q); err != nil {
		t.Errorf("RemovePod(q) after its member moved = %v", err)
	}
}

// The lookup a pod's members need uses the index, not a scan.
func TestPodContainersUsesIndex(t *testing.T) {
	s, _ := openTemp(t)
	rows, err := s.db.QueryContext(ctx,
		`EXPLAIN QUERY PLAN SELECT id, data FROM containers WHERE pod = ? ORDER BY created, id`, "x")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	got := strings.Join(plan, "; ")
	if !strings.Contains(got, "USING INDEX containers_pod") || strings.Contains(got, "TEMP B-TREE") {
		t.Errorf("query plan = %s", got)
	}
}

func TestUpdateContainersAllOrNothing(t *testing.T) {
	s, _ := openTemp(t)
	ids := []string{testID("", 1), testID("", 2), testID("", 3)}
	for i, id := range ids {
		mustAdd(t, s, minimal(id, "c"+string(rune('0'+i))))
	}
	boom := errors.New("boom")
	calls := 0
	_, err := s.UpdateContainers(ctx, ids, func(c *model.Container) error {
		if calls++; calls == 2 {
			return boom
		}
		c.State.ExitCode = 7
		return nil
	})
	if err != boom || calls != 2 {
		t.Errorf("UpdateContainers = %v after %d calls, want fn's own error after 2", err, calls)
	}
	_, err = s.UpdateContainers(ctx, []string{ids[0], testID("", 9)}, func(c *model.Container) error {
		c.State.ExitCode = 8
		return nil
	})
	if !errdefs.IsNotFound(err) {
		t.Errorf("UpdateContainers with a missing ID = %v", err)
	}
	// A rename within the batch onto a name another in it holds is refused.
	_, err = s.UpdateContainers(ctx, ids[:2], func(c *model.Container) error {
		c.Name = "same"
		c.State.ExitCode = 9
		return nil
	})
	if !errdefs.IsAlreadyExists(err) {
		t.Errorf("UpdateContainers renaming two onto one name = %v", err)
	}
	for i, id := range ids {
		if got := mustGet(t, s, id); !reflect.DeepEqual(got, minimal(id, "c"+string(rune('0'+i)))) {
			t.Errorf("failed batches changed %s: %+v", got.Name, got)
		}
	}
	order := []string{ids[2], ids[0]}
	got, err := s.UpdateContainers(ctx, order, func(c *model.Container) error {
		c.State.ExitCode = 5
		return nil
	})
	if err != nil || len(got) != 2 || got[0].ID != order[0] || got[1].ID != order[1] {
		t.Fatalf("UpdateContainers = %v, %+v", err, got)
	}
	for i, want := range []int{5, 0, 5} {
		if c := mustGet(t, s, ids[i]); c.State.ExitCode != want || !reflect.DeepEqual(c, updated(got, ids[i], c)) {
			t.Errorf("%s: ExitCode = %d, want %d", c.Name, c.State.ExitCode, want)
		}
	}
	if got, err := s.UpdateContainers(ctx, nil, nil); err != nil || len(got) != 0 {
		t.Errorf("UpdateContainers(none) = %v, %v", got, err)
	}
}

// updated is the record for id among got, or def if it is not there.
func updated(got []*model.Container, id string, def *model.Container) *model.Container {
	for _, c := range got {
		if c.ID == id {
			return c
		}
	}
	return def
}

// podMembers is PodContainers' names, space-separated.
func podMembers(t *testing.T, s *Store, podID string) string {
	t.Helper()
	cs, err := s.PodContainers(ctx, podID)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range cs {
		if c.Config.Pod != podID {
			t.Errorf("PodContainers(%s) returned %s of pod %q", shortID(podID), c.Name, c.Config.Pod)
		}
		names = append(names, c.Name)
	}
	return strings.Join(names, " ")
}

// podNames is the pods' names, space-separated.
func podNames(ps []*model.Pod) string {
	var names []string
	for _, p := range ps {
		names = append(names, p.Name)
	}
	return strings.Join(names, " ")
}
