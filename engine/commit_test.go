package engine

import (
	"reflect"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/image"
)

func TestApplyChange(t *testing.T) {
	cfg := image.ImageConfig{Env: []string{"A=1", "PATH=/bin"}, Cmd: []string{"sh"}}
	for _, ch := range []string{`CMD ["echo", "hi"]`, "ENTRYPOINT /init --flag", "ENV A=2", "env B 3",
		`LABEL tier="web"`, "USER app", "WORKDIR /srv", "STOPSIGNAL SIGINT"} {
		if err := applyChange(&cfg, ch); err != nil {
			t.Fatalf("%s: %v", ch, err)
		}
	}
	want := image.ImageConfig{Env: []string{"PATH=/bin", "A=2", "B=3"}, Cmd: []string{"echo", "hi"},
		Entrypoint: []string{"/bin/sh", "-c", "/init --flag"}, Labels: map[string]string{"tier": "web"},
		User: "app", WorkingDir: "/srv", StopSignal: "SIGINT"}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("got %+v\nwant %+v", cfg, want)
	}
	for _, bad := range []string{"EXPOSE 80", "ENV", "LABEL x", "bogus"} {
		if err := applyChange(&cfg, bad); !errdefs.IsInvalidArgument(err) {
			t.Errorf("%q: %v, want an invalid argument", bad, err)
		}
	}
}
