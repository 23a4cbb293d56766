package engine

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/spec"
)

func TestParseExpose(t *testing.T) {
	for in, want := range map[string][]string{
		"80": {"80/tcp"}, "53/udp": {"53/udp"}, "8000-8002/sctp": {"8000/sctp", "8001/sctp", "8002/sctp"}, "65535": {"65535/tcp"},
	} {
		if got, err := ParseExpose(in); err != nil || !slices.Equal(got, want) {
			t.Errorf("ParseExpose(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "0", "65536", "http", "90-80", "80/icmp", "80-", "-80"} {
		if _, err := ParseExpose(bad); !errors.Is(err, errdefs.ErrInvalidArgument) || !strings.Contains(err.Error(), "--expose") {
			t.Errorf("ParseExpose(%q): %v", bad, err)
		}
	}
}

func TestCompleteMeta(t *testing.T) {
	m := model.MetaConfig{Expose: []string{"80", "90-91/udp"}, Timezone: "UTC", LogDriver: "none"}
	if err := completeMeta(&m); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.Expose, []string{"80/tcp", "90/udp", "91/udp"}) {
		t.Errorf("expose %q", m.Expose)
	}
	for _, c := range []struct {
		m    model.MetaConfig
		want string
		is   error
	}{
		{model.MetaConfig{Timezone: "Mars/Olympus"}, `--tz "Mars/Olympus"`, errdefs.ErrInvalidArgument},
		{model.MetaConfig{Timezone: "../../etc/passwd"}, `--tz "../../etc/passwd"`, errdefs.ErrInvalidArgument},
		{model.MetaConfig{Timezone: "/etc/localtime"}, `--tz "/etc/localtime"`, errdefs.ErrInvalidArgument},
		{model.MetaConfig{LogDriver: "syslog"}, `--log-driver "syslog"`, errdefs.ErrInvalidArgument},
		{model.MetaConfig{LogDriver: "k8s-file"}, "--log-driver k8s-file", errdefs.ErrNotImplemented},
		{model.MetaConfig{LogDriver: "none", LogTag: "x"}, "tag=x", errdefs.ErrInvalidArgument},
		{model.MetaConfig{LogTag: "a\nb"}, "tag=", errdefs.ErrInvalidArgument},
		{model.MetaConfig{Annotations: map[string]string{"": "v"}}, "--annotation", errdefs.ErrInvalidArgument},
		{model.MetaConfig{Expose: []string{"x"}}, `--expose "x"`, errdefs.ErrInvalidArgument},
	} {
		err := completeMeta(&c.m)
		if !errors.Is(err, c.is) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %v naming %s", c.m, err, c.is, c.want)
		}
	}
}

func TestSetupTimezone(t *testing.T) {
	bundle := t.TempDir()
	c := &model.Container{Name: "web", Config: model.Config{MetaConfig: model.MetaConfig{Timezone: "UTC"}}}
	var in spec.Input
	if err := setupTimezone(c, &in, bundle); err != nil {
		t.Fatal(err)
	}
	want := spec.Mount{Source: filepath.Join(bundle, "localtime"), Destination: "/etc/localtime", ReadOnly: true}
	if len(in.Mounts) != 1 || in.Mounts[0].Source != want.Source || in.Mounts[0].Destination != want.Destination || !in.Mounts[0].ReadOnly {
		t.Fatalf("mounts %+v, want %+v", in.Mounts, want)
	}
	got, _ := os.ReadFile(want.Source)
	zone, _ := os.ReadFile(filepath.Join(ZoneinfoDir, "UTC"))
	if string(got) != string(zone) || !strings.HasPrefix(string(got), "TZif") {
		t.Errorf("the bundle's localtime is not the zone's file")
	}
	in = spec.Input{}
	c.Config.Timezone = ""
	if err := setupTimezone(c, &in, bundle); err != nil || len(in.Mounts) != 0 {
		t.Errorf("no --tz: %v, mounts %+v", err, in.Mounts)
	}
}

func TestLogIdentifierAndLogs(t *testing.T) {
	c := &model.Container{Name: "web"}
	if LogIdentifier(c) != "web" {
		t.Error("the identifier without a tag is the name")
	}
	c.Config.LogTag = "shop"
	if LogIdentifier(c) != "shop" {
		t.Error("the identifier with a tag is the tag")
	}
	c.Config.LogDriver = model.LogNone
	if err := checkLogsReadable(c); !errors.Is(err, errdefs.ErrInvalidArgument) || !strings.Contains(err.Error(), "none log driver") {
		t.Errorf("logs of a none container: %v", err)
	}
}

func TestEnvMerge(t *testing.T) {
	image := []string{"PATH=/usr/bin:/bin", "HELLO=world"}
	env := []string{"PATH=/usr/bin:/bin", "HELLO=world", "USER=set"}
	got, err := envMerge(env, image, []string{"PATH=/opt/bin:${PATH}", "HELLO=$HELLO-some", "NEW=${MISSING}x"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"PATH=/opt/bin:/usr/bin:/bin", "HELLO=world-some", "USER=set", "NEW=x"}; !slices.Equal(got, want) {
		t.Errorf("envMerge = %q, want %q", got, want)
	}
	for _, bad := range []string{"NOVALUE", "=x"} {
		if _, err := envMerge(env, image, []string{bad}); !errors.Is(err, errdefs.ErrInvalidArgument) || !strings.Contains(err.Error(), "--env-merge") {
			t.Errorf("envMerge(%q): %v", bad, err)
		}
	}
}

func TestSignalName(t *testing.T) {
	for in, want := range map[string]string{"term": "SIGTERM", "TERM": "SIGTERM", "15": "SIGTERM", "SIGKILL": "SIGKILL",
		"sigint": "SIGINT", "": "", "NOPE": "NOPE", "40": "40"} {
		if got := signalName(in); got != want {
			t.Errorf("signalName(%q) = %q, want %q", in, got, want)
		}
	}
}
