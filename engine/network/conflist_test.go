package network

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/containernetworking/cni/libcni"

	"github.com/podunit/podunit/engine/errdefs"
)

var update = flag.Bool("update", false, "rewrite the golden conflists in testdata")

func testNetwork(internal bool) Network {
	n := DefaultNetwork("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
	n.Created = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if internal {
		n.Name, n.Bridge, n.Subnet, n.Gateway, n.Internal = "inside", "podunit7", "10.89.7.0/24", "10.89.7.1", true
		n.Labels = map[string]string{"tier": "db"}
	}
	return n
}

func TestConflistGolden(t *testing.T) {
	for _, c := range []struct {
		file     string
		internal bool
	}{{"bridge.conflist", false}, {"internal.conflist", true}} {
		got, err := Conflist(testNetwork(c.internal), "/run/containers/storage/podunit/cni/networks")
		if err != nil {
			t.Fatal(err)
		}
		golden := filepath.Join("testdata", c.file)
		if *update {
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s differs (run with -update to accept):\n%s", c.file, got)
		}
	}
}

func TestConflistIsCNI(t *testing.T) {
	for _, internal := range []bool{false, true} {
		n := testNetwork(internal)
		data, err := Conflist(n, "/leases")
		if err != nil {
			t.Fatal(err)
		}
		list, err := libcni.ConfListFromBytes(data)
		if err != nil {
			t.Fatalf("libcni rejects the conflist: %v", err)
		}
		var types []string
		for _, p := range list.Plugins {
			types = append(types, p.Network.Type)
		}
		want := "bridge,portmap,firewall"
		if internal {
			want = "bridge"
		}
		if list.Name != n.Name || list.CNIVersion != CNIVersion || strings.Join(types, ",") != want {
			t.Errorf("internal=%v: name %q version %q plugins %v", internal, list.Name, list.CNIVersion, types)
		}
		s := string(data)
		if internal == strings.Contains(s, `"isGateway": true`) || internal == strings.Contains(s, `"0.0.0.0/0"`) {
			t.Errorf("internal=%v: gateway or default route wrong:\n%s", internal, s)
		}
	}
}

func TestConflistRoundTrip(t *testing.T) {
	for _, internal := range []bool{false, true} {
		n := testNetwork(internal)
		data, err := Conflist(n, "/leases")
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseConflist(data)
		if err != nil || !reflect.DeepEqual(got, n) {
			t.Errorf("ParseConflist = %+v, %v; want %+v", got, err, n)
		}
	}
}

func TestConflistRejects(t *testing.T) {
	for _, mod := range []func(*Network){
		func(n *Network) { n.Subnet = "10.89.0.0" },
		func(n *Network) { n.Subnet = "fd00::/64" },
		func(n *Network) { n.Gateway = "10.90.0.1" },
		func(n *Network) { n.Bridge = "" },
		func(n *Network) { n.Bridge = "a-bridge-name-too-long" },
	} {
		n := testNetwork(false)
		mod(&n)
		if _, err := Conflist(n, "/leases"); !errdefs.IsInvalidArgument(err) {
			t.Errorf("Conflist(%+v): %v, want an invalid-argument error", n, err)
		}
	}
}

func TestWithDataDir(t *testing.T) {
	data, _ := Conflist(testNetwork(false), "/old")
	out, err := withDataDir(data, "/run/x/cni/networks")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "/old") || !strings.Contains(string(out), `"dataDir":"/run/x/cni/networks"`) {
		t.Fatalf("withDataDir: %s", out)
	}
}

func TestManagerAddGetRemove(t *testing.T) {
	m := NewManager(t.TempDir(), t.TempDir())
	n := testNetwork(true)
	n.Bridge = "podunit-tst0" // no such link: Remove must not mind
	if err := m.Add(n); err != nil {
		t.Fatal(err)
	}
	if err := m.Add(n); !errdefs.IsAlreadyExists(err) {
		t.Fatalf("second Add: %v", err)
	}
	list, err := m.List()
	if err != nil || len(list) != 1 || list[0].ID != n.ID {
		t.Fatalf("List = %+v, %v", list, err)
	}
	if err := m.Remove(n); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Get(n.Name); !errdefs.IsNotFound(err) {
		t.Fatalf("Get after Remove: %v", err)
	}
	if err := m.Detach(t.Context(), n.Name, "x", "", nil); err != nil {
		t.Fatalf("Detach from a removed network: %v", err)
	}
}
