package e2e

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
	"github.com/podunit/podunit/test/testimage"
)

// TestEvents records events under a real systemd and reads them back from
// its journal with Podman's filters and formats.
func TestEvents(t *testing.T) {
	// not parallel: the follower must be up within a 1 s sleep
	sb := harness.Boot(t, harness.Options{})
	e := newEnv(t, sb, "crun")
	e.image()
	since := time.Now().Add(-time.Second).Format(time.RFC3339)
	e.must("create", "--name", "ev1", "-l", "k=v", "bb", "true")
	id2 := strings.TrimSpace(e.must("run", "-d", "--name", "ev2", "bb", "sh", "-c", "sleep 1; exit 4"))
	e.must("pod", "create", "--name", "evpod")
	e.must("volume", "create", "evvol")
	e.must("volume", "rm", "evvol")
	e.must("rm", "ev1")
	eventually(t, 20*time.Second, "ev2 to exit", func() bool { return e.field("ev2", "{{.State.Status}}") == "exited" })
	e.must("rm", "ev2")
	r := newRegistrySetup(t, e.dir)
	ref := r.host + "/podunit/evimg:1"
	imgID := testimage.PushImage(t, ref, testimage.Config{})
	r.mustReg(e, "pull", "-q", "--signature-policy", r.accept, ref)
	e.must("tag", ref, "evimg")
	e.must("rmi", "evimg")
	e.must("rmi", ref)
	events := func(args ...string) string {
		return e.must(append([]string{"events", "--stream=false", "--since", since}, args...)...)
	}
	var got []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(events("--format", "json", "--filter", "container="+id2[:12])), "\n") {
		var ev map[string]any
		decodeJSON(t, l, &ev)
		got = append(got, ev)
	}
	var statuses []string
	for _, ev := range got {
		wantKeys(t, "event json", ev, "ID", "Image", "Name", "Status", "Type", "time", "timeNano")
		statuses = append(statuses, fmt.Sprint(ev["Status"]))
	}
	if !slices.Equal(statuses, []string{"create", "start", "died", "remove"}) {
		t.Fatalf("ev2's events: %v", got)
	}
	if code := got[2]["ContainerExitCode"]; code != 4.0 {
		t.Errorf("died event's ContainerExitCode %v, want 4", code)
	}
	if out := events("--filter", "type=volume", "--format", "{{.Type}} {{.Status}} {{.Name}}"); out != "volume create evvol\nvolume remove evvol\n" {
		t.Errorf("volume events: %q", out)
	}
	if out := events("--filter", "type=pod", "--format", "{{.Status}} {{.Name}}"); out != "create evpod\n" {
		t.Errorf("pod events: %q", out)
	}
	line := events("--filter", "container=ev1", "--filter", "event=create")
	re := `^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9} [+-]\d{4} \S+ container create [0-9a-f]{64} \(image=localhost/bb:latest, name=ev1, k=v\)\n$`
	if !regexp.MustCompile(re).MatchString(line) {
		t.Errorf("event line %q does not match %s", line, re)
	}
	if out := events("--filter", "label=k=v", "--format", "{{.Name}}"); out != "ev1\nev1\n" {
		t.Errorf("label filter: %q", out)
	}
	want := fmt.Sprintf("pull %[1]s %[2]s\ntag %[1]s localhost/evimg:latest\nuntag %[1]s localhost/evimg:latest\nremove %[1]s %[2]s\n", imgID, ref)
	if out := events("--filter", "type=image", "--format", "{{.Status}} {{.ID}} {{.Name}}"); out != want {
		t.Errorf("image events:\n%s\nwant\n%s", out, want)
	}
	if out := events("--filter", "event=untag"); !regexp.MustCompile(` image untag [0-9a-f]{64} localhost/evimg:latest\n$`).MatchString(out) {
		t.Errorf("image event line: %q", out)
	}
	if out := events("--until", since); out != "" {
		t.Errorf("--until before everything printed %q", out)
	}
	checkEventStream(t, e)
}

// checkEventStream follows events (the default --stream) while a
// container is created, then interrupts the reader as Ctrl-C would.
func checkEventStream(t *testing.T, e *env) {
	wait := startFollowing(t, e, "5", "events", "--filter", "container=ev3", "--format", "{{.Status}} {{.Name}}")
	e.must("create", "--name", "ev3", "bb", "true")
	if out, err := wait(); err != nil || out != "create ev3\n" {
		t.Errorf("streamed events: %q, %v", out, err)
	}
}

// startFollowing starts podunit args in the sandbox under timeout(1),
// which interrupts it (and its journalctl) after secs seconds as Ctrl-C
// would, and gives it a second to start; wait returns its stdout.
func startFollowing(t *testing.T, e *env, secs string, args ...string) (wait func() (string, error)) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	cmd := e.command(ctx, args...)
	i := slices.Index(cmd.Args, e.bin)
	cmd.Args = slices.Insert(cmd.Args, i, "timeout", "--preserve-status", "-s", "INT", secs)
	var out strings.Builder
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	return func() (string, error) {
		defer cancel()
		err := cmd.Wait()
		return out.String(), err
	}
}
