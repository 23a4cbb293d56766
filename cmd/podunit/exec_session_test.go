package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/podunit/podunit/engine"
)

// TestInspectExecSessionIsPodmans: a session prints with the keys of
// Podman's InspectExecSession, the command split into entrypoint and
// arguments, and CanRemove only once it ended.
func TestInspectExecSessionIsPodmans(t *testing.T) {
	s := newInspectExecSession(&engine.ExecSession{ID: "e1", ContainerID: "c1", Args: []string{"sh", "-c", "exit 7"},
		Tty: true, DetachKeys: "ctrl-p,ctrl-q", Pid: 42, Running: true})
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"CanRemove":false,"ContainerID":"c1","DetachKeys":"ctrl-p,ctrl-q","ExitCode":0,"ID":"e1",` +
		`"OpenStderr":true,"OpenStdin":false,"OpenStdout":true,"Running":true,"Pid":42,` +
		`"ProcessConfig":{"arguments":["-c","exit 7"],"entrypoint":"sh","privileged":false,"tty":true,"user":""}}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	ended := newInspectExecSession(&engine.ExecSession{Args: []string{"true"}, Exited: true, ExitCode: 3})
	if !ended.CanRemove || ended.ExitCode != 3 || ended.ProcessConfig.Arguments == nil {
		t.Errorf("an ended session: %+v", ended)
	}
}

// TestExecHasDetach: exec takes Podman's -d.
func TestExecHasDetach(t *testing.T) {
	a := &app{}
	f := a.execCommand().Flags().ShorthandLookup("d")
	if f == nil || f.Name != "detach" || !strings.Contains(f.Usage, "session") {
		t.Errorf("exec -d: %+v", f)
	}
}
