// Package layering checks the dependency rules of docs/ARCHITECTURE.md with
// `go list`: each outside library has one home, and engine's adapters do
// not import each other.
package layering

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/podunit/podunit/"

type pkg struct {
	ImportPath string
	Imports    []string
}

func listPackages(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-tags", "containers_image_openpgp,exclude_graphdriver_btrfs", "-json", module+"...")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 8 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	return pkgs
}

// homes maps an outside import prefix to the only package allowed to import it.
var homes = map[string]string{
	"go.podman.io/storage":                   "engine/image",
	"go.podman.io/image/":                    "engine/image",
	"github.com/containers/ocicrypt":         "engine/image",
	"github.com/godbus/dbus":                 "engine/systemd",
	"github.com/coreos/go-systemd/v22/dbus":  "engine/systemd",
	"github.com/spf13/cobra":                 "cmd/podunit",
	"modernc.org/sqlite":                     "engine/state",
	"github.com/google/go-containerregistry": "test/testimage",
	"go.podman.io/common/libnetwork":         "engine/network",
	"k8s.io/":                                "engine/kube",
	"sigs.k8s.io/":                           "engine/kube",
}

// allowedInternal lists, per engine adapter, the podunit packages it may import.
var allowedInternal = map[string][]string{
	"engine/errdefs":      {},
	"engine/names":        {"engine/errdefs"},
	"engine/model":        {},
	"engine/spec":         {"engine/errdefs"},
	"engine/oci":          {"engine/errdefs"},
	"engine/state":        {"engine/errdefs", "engine/model"},
	"engine/systemd":      {"engine/errdefs"},
	"engine/image":        {"engine/errdefs"},
	"engine/volume":       {"engine/errdefs"},
	"engine/secret":       {"engine/errdefs"},
	"engine/network":      {"engine/errdefs"},
	"engine/cgroups":      {"engine/errdefs"},
	"engine/filter":       {"engine/errdefs"},
	"engine/console":      {"engine/errdefs"},
	"engine/kube":         {"engine/errdefs", "engine/model"},
	"internal/atomicfile": {},
	"internal/pidfile":    {},
}

func TestOutsideLibrariesHaveOneHome(t *testing.T) {
	for _, p := range listPackages(t) {
		rel := strings.TrimPrefix(p.ImportPath, module)
		for _, imp := range p.Imports {
			for prefix, home := range homes {
				if strings.HasPrefix(imp, prefix) && rel != home && !strings.HasPrefix(rel, home+"/") {
					t.Errorf("%s imports %s, which only %s may import", rel, imp, home)
				}
			}
		}
	}
}

func TestAdaptersDoNotImportEachOther(t *testing.T) {
	for _, p := range listPackages(t) {
		rel := strings.TrimPrefix(p.ImportPath, module)
		allowed, ruled := allowedInternal[rel]
		if !ruled {
			continue
		}
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, module) {
				continue
			}
			dep := strings.TrimPrefix(imp, module)
			// internal/ holds standard-library helpers (atomicfile), no adapter
			ok := strings.HasPrefix(dep, "internal/")
			for _, a := range allowed {
				ok = ok || dep == a
			}
			if !ok {
				t.Errorf("%s imports %s; it may import only %v", rel, dep, allowed)
			}
		}
	}
}

func TestEngineNeitherPrintsNorExits(t *testing.T) {
	for _, p := range listPackages(t) {
		rel := strings.TrimPrefix(p.ImportPath, module)
		if !strings.HasPrefix(rel, "engine") {
			continue
		}
		for _, imp := range p.Imports {
			if imp == "github.com/spf13/cobra" || imp == "github.com/spf13/pflag" || imp == "flag" {
				t.Errorf("%s imports %s: flags belong to cmd/", rel, imp)
			}
		}
	}
}
