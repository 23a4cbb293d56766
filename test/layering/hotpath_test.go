package layering

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// heavy are the libraries the hot-path podunit (cmd/podunit with the build
// tag hotpath) must not link: containers/image's copy and registry client,
// signatures, image encryption, grpc and the Kubernetes API types. They are
// most of the full binary's packages and of its start-up time
// (docs/PERFORMANCE.md); a new import that drags one in fails here. Nor
// packages whose init only cold verbs need: YAML (info, kube) and the
// generator's Quadlet tables (quadlet, generate), whose inits every hot
// process would run. Nor containers/image's reference parser, whose
// regular expressions are built in every process that links it (0.5 ms;
// engine/image parses names itself, ref.go), nor its storage transport.
// An entry ending in / is a prefix, any other one package.
var heavy = []string{
	"go.podman.io/image/v5/copy",
	"go.podman.io/image/v5/docker",
	"go.podman.io/image/v5/signature",
	"github.com/containers/ocicrypt/helpers",
	"google.golang.org/grpc",
	"google.golang.org/protobuf/",
	"github.com/sigstore/",
	"k8s.io/",
	"sigs.k8s.io/",
	"go.yaml.in/yaml/",
	"go.podman.io/image/v5/docker/reference",
	"go.podman.io/image/v5/storage",
	"github.com/podunit/podunit/generator/quadlet",
	"github.com/podunit/podunit/generator/quadletdir",
	"github.com/cpuguy83/go-md2man",
}

func deps(t *testing.T, tags string) []string { return depsOf(t, tags, "cmd/podunit") }

// depsOf lists what the podunit package pkg links, with the build tags tags.
func depsOf(t *testing.T, tags, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-tags", tags, "-deps", module+pkg).Output()
	if err != nil {
		t.Fatalf("go list -tags %s: %v", tags, err)
	}
	return strings.Fields(string(out))
}

func TestHotPathLinksNoTransfer(t *testing.T) {
	const tags = "containers_image_openpgp,exclude_graphdriver_btrfs"
	hot, full := deps(t, tags+",hotpath"), deps(t, tags)
	linked := func(list []string, prefix string) bool {
		for _, p := range list {
			if p == prefix || (strings.HasSuffix(prefix, "/") && strings.HasPrefix(p, prefix)) {
				return true
			}
		}
		return false
	}
	for _, h := range heavy {
		if linked(hot, h) {
			t.Errorf("the hot-path binary links %s", h)
		}
	}
	// The check can fail: the full binary links them (all but md2man,
	// which only bin/podunit-man has).
	for _, h := range heavy[:len(heavy)-1] {
		if !linked(full, h) {
			t.Errorf("the full binary does not link %s: is this list stale?", h)
		}
	}
	if len(hot)*2 > len(full)+len(full)/5 {
		t.Errorf("the hot-path binary has %d packages against the full one's %d: it should have about half", len(hot), len(full))
	}
	t.Logf("packages: hot path %d, full %d", len(hot), len(full))
}

// TestStartHelperLinksLittle: podunit-start, the ExecStart= of a pod
// member's unit where the command made the bundle (engine/unitstart), is
// there to skip what a podunit process pays at start: it must link no
// container storage or image library, no command line, no containers.conf
// parser, no network plugins' code, no SQLite (the command records the
// start), nothing of engine/ but the packages a unit's start needs after
// the bundle.
func TestStartHelperLinksLittle(t *testing.T) {
	const tags = "containers_image_openpgp,exclude_graphdriver_btrfs"
	list := depsOf(t, tags, "cmd/podunit-start")
	allowed := map[string]bool{"engine/unitstart": true, "engine/locks": true, "engine/model": true, "engine/oci": true,
		"engine/systemd": true, "engine/errdefs": true}
	for _, p := range list {
		for _, banned := range []string{"go.podman.io/", "github.com/spf13/cobra", "github.com/BurntSushi/toml", "k8s.io/",
			"github.com/containernetworking/", "modernc.org/"} {
			if strings.HasPrefix(p, banned) {
				t.Errorf("podunit-start links %s", p)
			}
		}
		if rel, ok := strings.CutPrefix(p, module+"engine/"); ok && !allowed["engine/"+rel] {
			t.Errorf("podunit-start links %s", p)
		}
	}
	t.Logf("podunit-start: %d packages", len(list))
}

// TestShortCommandsAdviseTheirHeap: the commands that run for milliseconds
// import internal/hugeheap/early, whose init has their heap backed by huge
// pages where THP is "madvise" (a few hundred page faults fewer each:
// docs/PERFORMANCE.md, nineteenth session); podunit-console, which lives as
// long as its container, does not (up to 2 MiB more resident memory).
func TestShortCommandsAdviseTheirHeap(t *testing.T) {
	const tags = "containers_image_openpgp,exclude_graphdriver_btrfs"
	const early = module + "internal/hugeheap/early"
	for _, c := range []struct {
		pkg, tags string
		want      bool
	}{
		{"cmd/podunit", tags + ",hotpath", true},
		{"cmd/podunit", tags, true},
		{"cmd/podunit-start", tags, true},
		{"cmd/podunit-generator", tags, true},
		{"cmd/podunit-console", tags, false},
	} {
		list := depsOf(t, c.tags, c.pkg)
		if got := slices.Contains(list, early); got != c.want {
			t.Errorf("%s (tags %s) imports %s: %v, want %v", c.pkg, c.tags, early, got, c.want)
		}
	}
}
