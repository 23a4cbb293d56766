package engine

import (
	"reflect"
	"strings"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/image"
)

func TestApplyChange(t *testing.T) {
	cfg := image.ImageConfig{Env: []string{"A=1", "PATH=/bin"}, Cmd: []string{"sh"}, WorkingDir: "/srv"}
	for _, ch := range []string{`CMD ["echo", "hi"]`, "ENTRYPOINT /init --flag", "ENV A=2", "env B 3", "ENV=C",
		`ENV D="x y"`, `LABEL tier="web"`, "LABEL=k=v=w", `label "q"=""`, "USER app", "WORKDIR app", "workdir=sub",
		"STOPSIGNAL 2", "EXPOSE 80", "expose=53/udp 9000/TCP", "VOLUME /data /logs", `VOLUME=["/cache"]`,
		"ONBUILD RUN true"} {
		if err := applyChange(&cfg, ch); err != nil {
			t.Fatalf("%s: %v", ch, err)
		}
	}
	set := func(keys ...string) map[string]struct{} {
		m := map[string]struct{}{}
		for _, k := range keys {
			m[k] = struct{}{}
		}
		return m
	}
	want := image.ImageConfig{Env: []string{"PATH=/bin", "A=2", "B=3", "C=", "D=x y"}, Cmd: []string{"echo", "hi"},
		Entrypoint: []string{"/bin/sh", "-c", "/init --flag"}, Labels: map[string]string{"tier": "web", "k": "v=w", "q": ""},
		User: "app", WorkingDir: "/srv/app/sub", StopSignal: "SIGINT",
		ExposedPorts: set("80/tcp", "53/udp", "9000/tcp"), Volumes: set("/data", "/logs", "/cache")}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("got  %+v\nwant %+v", cfg, want)
	}
	for ch, want := range map[string][]string{"CMD=": {"/bin/sh", "-c"}, "CMD [": {"/bin/sh", "-c", "["}} {
		if err := applyChange(&cfg, ch); err != nil || !reflect.DeepEqual(cfg.Cmd, want) {
			t.Errorf("%q: %q, %v; want %q", ch, cfg.Cmd, err, want)
		}
	}
	if err := applyChange(&cfg, "ENTRYPOINT="); err != nil || cfg.Entrypoint == nil || len(cfg.Entrypoint) != 0 {
		t.Errorf("ENTRYPOINT= gives %q, %v; want none", cfg.Entrypoint, err)
	}
	if err := applyChange(&cfg, "WORKDIR /abs"); err != nil || cfg.WorkingDir != "/abs" {
		t.Errorf("WORKDIR /abs after a relative one: %q, %v", cfg.WorkingDir, err)
	}
}

// TestApplyChangeRefuses: each bad instruction is an invalid argument
// naming the change and the instruction, and changes nothing.
func TestApplyChangeRefuses(t *testing.T) {
	for bad, says := range map[string]string{
		"EXPOSE": "want INSTRUCTION VALUE", "CMD": "want INSTRUCTION", "EXPOSE 0": "EXPOSE: port", "EXPOSE 70000/tcp": "EXPOSE: port",
		"EXPOSE 80/icmp": "EXPOSE: protocol", "EXPOSE 80-90": "EXPOSE: port", "EXPOSE=": "EXPOSE: want PORT",
		"ENV =x": "ENV: want KEY", "ENV=": "ENV: want KEY", "LABEL x": "LABEL: want KEY=VALUE", "LABEL =v": "LABEL",
		"USER=": "USER: want a user", "WORKDIR ": "want INSTRUCTION", "WORKDIR=": "WORKDIR: want a directory",
		"VOLUME=": "VOLUME: want one or more paths", `VOLUME [""]`: "VOLUME", "STOPSIGNAL SIGNOPE": `STOPSIGNAL: invalid signal "SIGNOPE"`,
		"ONBUILD=": "ONBUILD", "FROM x": "FROM is not an instruction --change takes", "bogus": "want INSTRUCTION",
		"=CMD x": "want INSTRUCTION", "RUN=true": "RUN is not",
	} {
		cfg := image.ImageConfig{User: "u"}
		err := applyChange(&cfg, bad)
		if !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), says) ||
			!strings.HasPrefix(err.Error(), `--change "`+strings.ReplaceAll(bad, `"`, `\"`)+`"`) {
			t.Errorf("%q: %v; want an invalid argument naming it and saying %q", bad, err, says)
		}
		if !reflect.DeepEqual(cfg, image.ImageConfig{User: "u"}) {
			t.Errorf("%q changed the configuration: %+v", bad, cfg)
		}
	}
}
