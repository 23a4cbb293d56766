package systemd

import (
	"os"
	"testing"

	"github.com/godbus/dbus/v5"
)

// TestStdinProperties: the caller's descriptor goes as a UnixFD, output
// stays the journal's, and only such a unit TakesStdin.
func TestStdinProperties(t *testing.T) {
	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr := Transient{Name: "x.service", ExecStart: []string{"/bin/true"}}
	if tr.TakesStdin() {
		t.Fatal("a unit without a stdin property takes one")
	}
	tr.Properties = StdinProperties(f)
	if !tr.TakesStdin() {
		t.Fatal("a unit with StdinProperties does not take a stdin")
	}
	props, err := tr.properties()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]any{}
	for _, p := range props {
		got[p.Name] = p.Value.Value()
	}
	if fd, ok := got["StandardInputFileDescriptor"].(dbus.UnixFD); !ok || int(fd) != int(f.Fd()) {
		t.Errorf("StandardInputFileDescriptor = %#v, want UnixFD %d", got["StandardInputFileDescriptor"], f.Fd())
	}
	if got["StandardOutput"] != "journal" || got["StandardError"] != "journal" {
		t.Errorf("output: %v %v, want journal", got["StandardOutput"], got["StandardError"])
	}
}
