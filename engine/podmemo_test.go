package engine

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/state"
)

// TestPodMemo: in a prepare's context a member's pod is read once, and the
// steps see that record; outside one, every read is of the moment.
func TestPodMemo(t *testing.T) {
	st, err := state.Open(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	e := &Engine{store: st}
	ctx := context.Background()
	ids := []string{strings.Repeat("a", 64), strings.Repeat("b", 64)}
	for i, id := range ids {
		p := &model.Pod{ID: id, Name: "p" + string(rune('0'+i)), Created: time.Now().UTC()}
		p.Config.Hostname = "first"
		if err := st.AddPod(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	rename := func(id, h string) {
		if _, err := st.UpdatePod(ctx, id, func(p *model.Pod) error { p.Config.Hostname = h; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	member := &model.Container{Config: model.Config{Pod: ids[0]}}
	hostname := func(ctx context.Context, c *model.Container) string {
		p, err := e.podOf(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		return p.Config.Hostname
	}

	memo := withPodMemo(ctx)
	if h := hostname(memo, member); h != "first" {
		t.Fatalf("first read: %q", h)
	}
	rename(ids[0], "second")
	if h := hostname(memo, member); h != "first" {
		t.Errorf("the prepare's second read: %q, want the record it read first", h)
	}
	if h := hostname(ctx, member); h != "second" {
		t.Errorf("a read outside a prepare: %q, want the record as it is now", h)
	}
	if h := hostname(withPodMemo(ctx), member); h != "second" {
		t.Errorf("another prepare: %q, want the record as it is now", h)
	}
	if h := hostname(withPodMemo(memo), member); h != "first" {
		t.Errorf("a prepare within a unit-start's memo: %q, want the memo's record", h)
	}
	forgetPod(memo)
	if h := hostname(memo, member); h != "second" {
		t.Errorf("after forgetPod: %q, want the record as it is now", h)
	}
	rename(ids[1], "other")
	if h := hostname(memo, &model.Container{Config: model.Config{Pod: ids[1]}}); h != "other" {
		t.Errorf("another pod through the memo: %q", h)
	}

	// a create resolves --pod by name (podFor), and its later steps take
	// that record from the memo
	created := withPodMemo(ctx)
	id, err := e.podFor(created, "p0")
	if err != nil || id != ids[0] {
		t.Fatalf("podFor p0: %q, %v", id, err)
	}
	rename(ids[0], "third")
	if h := hostname(created, member); h != "second" {
		t.Errorf("a create's step after podFor: %q, want the record podFor read", h)
	}
}
