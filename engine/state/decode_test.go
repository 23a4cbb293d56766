package state

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/podunit/podunit/engine/model"
)

// Both decoders a listing uses read every field of a record alike: the
// record with every field set (full), written by encoding/json.
func TestDecodersAgree(t *testing.T) {
	c := full(testID("", 1), "web")
	requireAllSet(t, reflect.ValueOf(c.Config), "Config")
	data, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	std, err := decodeWith(c.ID, data, unmarshalFor(1))
	if err != nil {
		t.Fatal(err)
	}
	iter, err := decodeWith(c.ID, data, unmarshalFor(manyRecords+1))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(std, iter) || !reflect.DeepEqual(std, c) {
		t.Fatalf("decoders disagree:\nencoding/json %+v\njson-iterator %+v\nwritten       %+v", std, iter, c)
	}
	for _, bad := range []string{`{"id":`, `{"id":"` + c.ID + `","name":1}`} {
		var d *DamagedError
		if _, err := decodeWith(c.ID, []byte(bad), unmarshalFor(manyRecords+1)); !errors.As(err, &d) {
			t.Errorf("json-iterator on %q: %v, want a damaged record", bad, err)
		}
	}
}

// A listing hands the decoders the driver's buffer of a row, which the next row
// overwrites: what they return must not share it.
func TestDecodersCopy(t *testing.T) {
	c := full(testID("", 1), "web")
	data, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{1, manyRecords + 1} {
		buf := slices.Clone(data)
		got, err := decodeWith(c.ID, buf, unmarshalFor(n))
		if err != nil {
			t.Fatal(err)
		}
		for i := range buf {
			buf[i] = 'x'
		}
		if !reflect.DeepEqual(got, c) {
			t.Fatalf("decoder %d: the record changed with the buffer it was read from:\n%+v", n, got)
		}
	}
}

// A listing longer than manyRecords, decoded past it by json-iterator,
// returns what was stored.
func TestLongListing(t *testing.T) {
	s, _ := openTemp(t)
	addFullPod(t, s)
	want := map[string]string{}
	for i := 0; i < manyRecords+20; i++ {
		c := full(testID("", i), "c"+strconv.Itoa(i))
		if err := s.AddContainer(ctx, c); err != nil {
			t.Fatal(err)
		}
		data, _ := json.Marshal(c)
		want[c.ID] = string(data)
	}
	list, err := s.Containers(ctx)
	if err != nil || len(list) != len(want) {
		t.Fatalf("%d containers, %v; want %d", len(list), err, len(want))
	}
	for _, c := range list {
		data, _ := json.Marshal(c)
		if string(data) != want[c.ID] {
			t.Fatalf("container %s reads back as\n%s\nwant\n%s", c.Name, data, want[c.ID])
		}
	}
}

// EachContainer decodes every record into one struct: the copies its
// callback keeps are each their own record, whole, even where a minimal
// record follows a full one (no field, map or slice left over from the
// record before), and a damaged record is skipped and reported.
func TestEachContainerCopiesAreWhole(t *testing.T) {
	s, _ := openTemp(t)
	var warned []error
	s.SetWarn(func(err error) { warned = append(warned, err) })
	addFullPod(t, s)
	want := map[string]string{}
	for i := 0; i < manyRecords+20; i++ {
		c := minimal(testID("", i), "c"+strconv.Itoa(i))
		if i%2 == 0 {
			c = full(testID("", i), "c"+strconv.Itoa(i))
			c.Config.Labels = map[string]string{"n": strconv.Itoa(i)}
		}
		if err := s.AddContainer(ctx, c); err != nil {
			t.Fatal(err)
		}
		data, _ := json.Marshal(c)
		want[c.ID] = string(data)
	}
	bad := testID("", 3)
	damage(t, s, "containers", bad, `{"id": "`)
	delete(want, bad)
	var kept []model.Container
	if err := s.EachContainer(ctx, nil, func(c *model.Container) error {
		kept = append(kept, *c)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(kept) != len(want) || len(warned) != 1 {
		t.Fatalf("%d containers and warnings %v; want %d and one warning", len(kept), warned, len(want))
	}
	for _, c := range kept {
		data, _ := json.Marshal(c)
		if string(data) != want[c.ID] {
			t.Fatalf("container %s kept as\n%s\nwant\n%s", c.Name, data, want[c.ID])
		}
	}
}

func TestHasContainer(t *testing.T) {
	s, _ := openTemp(t)
	c := minimal(testID("", 7), "seven")
	if err := s.AddContainer(ctx, c); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]bool{c.ID: true, testID("", 8): false, c.ID[:12]: false, "seven": false} {
		if got, err := s.HasContainer(ctx, id); got != want || err != nil {
			t.Errorf("HasContainer(%q) = %v, %v; want %v (full IDs only)", id, got, err, want)
		}
	}
}

func TestHasPod(t *testing.T) {
	s, _ := openTemp(t)
	p := minimalPod(testID("", 901), "pone")
	mustAddPod(t, s, p)
	for id, want := range map[string]bool{p.ID: true, testID("", 902): false, p.ID[:12]: false, "pone": false} {
		if got, err := s.HasPod(ctx, id); got != want || err != nil {
			t.Errorf("HasPod(%q) = %v, %v; want %v (full IDs only)", id, got, err, want)
		}
	}
}

func TestHasVolume(t *testing.T) {
	s, _ := openTemp(t)
	mustAddVolume(t, s, testVolume("data"))
	for name, want := range map[string]bool{"data": true, "dat": false, "other": false} {
		if got, err := s.HasVolume(ctx, name); got != want || err != nil {
			t.Errorf("HasVolume(%q) = %v, %v; want %v", name, got, err, want)
		}
	}
}

// TestPodMemberNames: the names of a pod's members in creation order,
// none of another pod's or of a container in no pod.
func TestPodMemberNames(t *testing.T) {
	s, _ := openTemp(t)
	p, other := minimalPod(testID("", 901), "pone"), minimalPod(testID("", 902), "ptwo")
	mustAddPod(t, s, p)
	mustAddPod(t, s, other)
	for i, m := range []struct{ name, pod string }{{"b", p.ID}, {"x", other.ID}, {"a", p.ID}, {"solo", ""}, {"c", p.ID}} {
		c := minimal(testID("", 10+i), m.name)
		c.Created = c.Created.Add(time.Duration(i) * time.Second)
		c.Config.Pod = m.pod
		mustAdd(t, s, c)
	}
	got, err := s.PodMemberNames(ctx, p.ID)
	if err != nil || !slices.Equal(got, []string{"b", "a", "c"}) {
		t.Errorf("PodMemberNames = %q, %v; want [b a c]", got, err)
	}
	if got, err := s.PodMemberNames(ctx, testID("", 903)); err != nil || len(got) != 0 {
		t.Errorf("PodMemberNames of no pod = %q, %v; want none", got, err)
	}
}
