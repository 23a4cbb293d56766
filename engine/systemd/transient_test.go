package systemd

import (
	"os"
	"testing"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
)

func TestTransientProperties(t *testing.T) {
	tr := Transient{
		Name: "a.service", ExecStart: []string{"/bin/true"},
		ExecStopPost:   [][]string{{"/bin/echo", "x"}},
		Type:           "notify",
		Delegate:       true,
		KillSignal:     15,
		TimeoutStopSec: 10 * time.Second,
	}
	props, err := tr.properties()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, p := range props {
		got[p.Name] = p.Value.Signature().String()
	}
	want := map[string]string{
		"ExecStart": "a(sasb)", "ExecStopPost": "a(sasb)", "Type": "s",
		"Delegate": "b", "KillSignal": "i", "TimeoutStopUSec": "t",
	}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for name, sig := range want {
		if got[name] != sig {
			t.Errorf("%s: signature %q, want %q", name, got[name], sig)
		}
	}
}

func TestTransientInvalid(t *testing.T) {
	for _, tr := range []Transient{
		{ExecStart: []string{"/bin/true"}},
		{Name: "a.service"},
		{Name: "a.service", ExecStart: []string{"/bin/true"}, ExecStopPost: [][]string{{}}},
		{Name: "a.service", ExecStop: [][]string{{"/bin/true"}}},                                           // not a oneshot
		{Name: "a.service", Type: "oneshot", ExecStopPost: [][]string{{"/bin/true"}}},                      // no ExecStop
		{Name: "a.service", Type: "oneshot", ExecStart: []string{""}, ExecStop: [][]string{{"/bin/true"}}}, // empty
	} {
		if _, err := tr.properties(); !errdefs.IsInvalidArgument(err) {
			t.Errorf("%+v: got %v", tr, err)
		}
	}
}

func TestSliceNeedsNoExecStart(t *testing.T) {
	props, err := Transient{Name: "podunit-x.slice", Properties: []Property{{Name: "MemoryMax", Value: uint64(1 << 26)}}}.properties()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range props {
		if p.Name == "ExecStart" {
			t.Fatalf("a slice got ExecStart: %v", p.Value)
		}
	}
	if len(props) != 1 || props[0].Name != "MemoryMax" {
		t.Fatalf("slice properties: %+v", props)
	}
	if _, err := (Transient{Name: "x.service"}).properties(); err == nil {
		t.Fatal("a service without ExecStart was accepted")
	}
}

// A oneshot with ExecStop= and no ExecStart= is a unit systemd accepts: it
// is active once started, and its ExecStop= runs when it stops.
func TestOneshotWithOnlyExecStop(t *testing.T) {
	props, err := Transient{Name: "a.service", Type: "oneshot", RemainAfterExit: true,
		ExecStop: [][]string{{"/bin/true"}}}.properties()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range props {
		if p.Name == "ExecStart" {
			t.Fatalf("ExecStart set: %v", p.Value)
		}
	}
}

// TestStderrPasses: a descriptor property asks for the connection that
// passes descriptors; a stderr is no stdin.
func TestStderrPasses(t *testing.T) {
	tr := Transient{Name: "a.service", ExecStart: []string{"/bin/true"}}
	if tr.passesFDs() {
		t.Error("a unit with no descriptor passes some")
	}
	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr.Properties = []Property{StderrProperty(f)}
	if !tr.passesFDs() || tr.TakesStdin() {
		t.Errorf("a stderr descriptor: passes %v, takes stdin %v", tr.passesFDs(), tr.TakesStdin())
	}
}
