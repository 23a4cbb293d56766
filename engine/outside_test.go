package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/rootless"
)

// TestOutsideEngine: a rootless engine outside its user namespace makes
// no state (ErrOutside, nothing on disk), reads the state the namespace
// made, and says ErrOutside where inspect needs storage's word (a record
// without its rootfs's graph) or a verb needs the image store or a
// runtime, and NotHere for any running container's namespace.
func TestOutsideEngine(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	inside := Config{StorageRoot: filepath.Join(dir, "root"), StorageRunRoot: filepath.Join(dir, "run"),
		StorageDriver: "vfs", Self: "/bin/true", LostState: true}
	outside := inside
	outside.Rootless = Rootless{On: true, Outside: true, UID: os.Getuid(), GID: os.Getgid()}
	if e, err := New(outside); !errors.Is(err, rootless.ErrOutside) {
		if e != nil {
			_ = e.Close()
		}
		t.Fatalf("outside, no state yet: %v, want ErrOutside", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("outside, no state yet: made %v", entries)
	}

	e, err := New(inside)
	if err != nil {
		t.Fatal(err)
	}
	id := strings.Repeat("c1", 32)
	c := &model.Container{ID: id, Name: "a", Image: "busybox", ImageID: strings.Repeat("1d", 32),
		Created: time.Now().UTC(), State: model.State{Status: model.Created}}
	if err := e.store.AddContainer(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := e.store.SetContainerGraph(ctx, id, &model.Graph{Driver: "vfs", Dirs: map[string]string{"Dir": "/x"}}); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}

	o, err := New(outside)
	if err != nil {
		t.Fatalf("outside, with state: %v", err)
	}
	defer o.Close()
	got, err := o.Container(ctx, "a")
	if err != nil || got.ID != id {
		t.Fatalf("outside: container a: %+v, %v", got, err)
	}
	if g, _, err := o.RootfsGraph(ctx, got); err != nil || g.Data["Dir"] != "/x" {
		t.Errorf("outside, a recorded graph: %+v, %v", g, err)
	}
	if err := o.store.SetContainerGraph(ctx, id, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := o.RootfsGraph(ctx, got); !errors.Is(err, rootless.ErrOutside) {
		t.Errorf("outside, no recorded graph: %v, want ErrOutside", err)
	}
	if _, err := o.Images().List(ctx); !errors.Is(err, rootless.ErrOutside) {
		t.Errorf("outside, image list: %v, want ErrOutside", err)
	}
	if _, err := o.runtimeFor("runc"); !errors.Is(err, rootless.ErrOutside) {
		t.Errorf("outside, a runtime: %v, want ErrOutside", err)
	}
	running := *got
	running.State = model.State{Status: model.Running, Pid: os.Getpid()}
	var nh *rootless.NotHereError
	if err := o.rootlessHere(&running); !errors.As(err, &nh) || nh.PID != os.Getpid() {
		t.Errorf("outside, a running container's namespace: %v, want a NotHereError naming pid %d", err, os.Getpid())
	}
}
