package spec

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// TestMarshalIsEncodingJSON: Marshal gives json.Marshal's bytes, for
// podunit's specs and for one with every other platform's section too.
func TestMarshalIsEncodingJSON(t *testing.T) {
	in := testInput(t)
	plain := mustGenerate(t, in)
	in.CapAdd, in.ReadOnly, in.Tmpfs = []string{"NET_ADMIN"}, true, []string{"/cache:size=16m"}
	in.Mounts = []Mount{{Source: "/srv/www", Destination: "/srv/www", ReadOnly: true}}
	in.CgroupsPath = "/system.slice/podunit-web.service/ctr"
	more := mustGenerate(t, in)
	more.Annotations = map[string]string{"run.oci.seccomp_bpf_data": "AAAA", "io.podman.annotations.autoremove": "TRUE"}
	more.Hooks = &specs.Hooks{Poststart: []specs.Hook{{Path: "/bin/true", Args: []string{"true"}}}}
	others := mustGenerate(t, in)
	others.Solaris, others.Windows, others.VM = &specs.Solaris{Milestone: "m"}, &specs.Windows{}, &specs.VM{}
	others.ZOS, others.FreeBSD = &specs.ZOS{}, &specs.FreeBSD{}
	for name, s := range map[string]*specs.Spec{"plain": plain, "more": more, "other platforms": others} {
		got, err := Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: Marshal differs from json.Marshal:\n%s\n%s", name, got, want)
		}
	}
}

// TestLinuxSpecMirrorsSpec: linuxSpec has every field of specs.Spec, in
// order, with its type and JSON tag, but the other platforms' sections
// (which Marshal hands to json.Marshal): a field a newer runtime-spec adds
// fails this test instead of going missing from config.json.
func TestLinuxSpecMirrorsSpec(t *testing.T) {
	other := map[string]bool{"Solaris": true, "Windows": true, "VM": true, "ZOS": true, "FreeBSD": true}
	full, mirror := reflect.TypeFor[specs.Spec](), reflect.TypeFor[linuxSpec]()
	var want []reflect.StructField
	for f := range full.Fields() {
		if !other[f.Name] {
			want = append(want, f)
		}
	}
	if mirror.NumField() != len(want) {
		t.Fatalf("linuxSpec has %d fields, specs.Spec has %d besides other platforms'", mirror.NumField(), len(want))
	}
	for i, w := range want {
		g := mirror.Field(i)
		if g.Name != w.Name || g.Type != w.Type || g.Tag.Get("json") != w.Tag.Get("json") {
			t.Errorf("field %d: linuxSpec has %s %s `json:%q`, specs.Spec %s %s `json:%q`",
				i, g.Name, g.Type, g.Tag.Get("json"), w.Name, w.Type, w.Tag.Get("json"))
		}
	}
}
