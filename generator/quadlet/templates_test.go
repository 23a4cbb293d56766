package quadlet

import "testing"

func TestServiceNamesOfTemplates(t *testing.T) {
	for _, c := range []struct {
		kind      Kind
		base, svc string
	}{
		{Container, "web@", "web@.service"}, {Container, "web@a", "web@a.service"}, {Container, "web", "web.service"},
		{Volume, "data@", "data-volume@.service"}, {Volume, "data@a", "data-volume@a.service"}, {Volume, "data", "data-volume.service"},
		{Network, "lan@", "lan-network@.service"}, {Pod, "shop", "shop-pod.service"},
	} {
		if got := serviceName(c.kind, c.base); got != c.svc {
			t.Errorf("serviceName(%s, %s) = %s, want %s", c.kind, c.base, got, c.svc)
		}
	}
}

func TestInstanceOfAndInstantiate(t *testing.T) {
	for _, c := range []struct {
		file, tmpl, inst string
		ok               bool
	}{
		{"data@a.volume", "data@.volume", "a", true}, {"data@%i.volume", "data@.volume", "%i", true},
		{"data@.volume", "", "", false}, {"data.volume", "", "", false}, {"@a.volume", "", "", false}, {"x@a.txt", "", "", false},
	} {
		tmpl, inst, ok := InstanceOf(c.file)
		if tmpl != c.tmpl || inst != c.inst || ok != c.ok {
			t.Errorf("InstanceOf(%s) = %q %q %v", c.file, tmpl, inst, ok)
		}
	}
	id := Ident{Kind: Volume, Base: "data@", Service: "data-volume@.service", Object: templateObject("data@")}
	got := id.Instantiate("b")
	if got.Service != "data-volume@b.service" || got.Object.Text != "systemd-data_b" || got.File != "data@b.volume" {
		t.Errorf("Instantiate(b) = %+v", got)
	}
}
