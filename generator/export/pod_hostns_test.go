package export

import (
	"strings"
	"testing"

	"github.com/podunit/podunit/engine/model"
)

// TestPodFlagsHostNS: generate systemd --new writes a pod's --pid host and
// --ipc host back into its pod create line.
func TestPodFlagsHostNS(t *testing.T) {
	p := &model.Pod{ID: "p1", Name: "h", Config: model.PodConfig{Share: []string{"net", "uts"},
		PodHostNS: model.PodHostNS{PIDMode: "host", IPCMode: "host"}}}
	got := strings.Join(podFlags(p), " ")
	if !strings.Contains(got, "--share net,uts") || !strings.HasSuffix(got, "--pid host --ipc host") {
		t.Errorf("podFlags = %q", got)
	}
}
