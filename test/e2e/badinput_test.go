package e2e

import (
	"archive/tar"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// TestBadInputChangesNothing feeds podunit bad input: each must print an
// Error: line naming the thing, exit 125, and leave containers and images
// exactly as they were.
func TestBadInputChangesNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	e.image()
	e.must("create", "--name", "taken", "bb", "true")
	corrupt := filepath.Join(e.dir, "corrupt.tar")
	if err := os.WriteFile(corrupt, []byte("this is not an image archive\x00\x01\x02"), 0o644); err != nil {
		t.Fatal(err)
	}
	hardlink := filepath.Join(e.dir, "hardlink.tar")
	if err := writeHardlinkTar(hardlink); err != nil {
		t.Fatal(err)
	}
	hardlinkLayer := filepath.Join(e.dir, "hardlink-layer.tar")
	if err := writeHardlinkArchive(hardlink, hardlinkLayer); err != nil {
		t.Fatal(err)
	}
	nameless := filepath.Join(e.dir, "nameless.env")
	if err := os.WriteFile(nameless, []byte("A="+strings.Repeat("x", 100<<10)+"\n=oops\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		args  []string
		names string // what the error must mention
	}{
		{"unknown image", []string{"run", "--rm", "no-such-image"}, "no-such-image"},
		{"duplicate name", []string{"create", "--name", "taken", "bb"}, "taken"},
		{"name with slash", []string{"create", "--name", "a/b", "bb"}, "a/b"},
		{"name with newline", []string{"create", "--name", "a\nb", "bb"}, `a\nb`},
		{"name too long", []string{"create", "--name", strings.Repeat("n", 254), "bb"}, "254"},
		{"unit name too long", []string{"create", "--name", strings.Repeat("n", 238), "bb"}, "238"},
		{"pod unit name too long", []string{"pod", "create", "--name", strings.Repeat("p", 244)}, "244"},
		{"corrupt archive", []string{"load", "-i", corrupt}, corrupt},
		{"corrupt rootfs tarball", []string{"image", "import", corrupt, "junk"}, corrupt},
		{"unknown flag", []string{"ps", "--no-such-flag"}, "--no-such-flag"},
		{"unknown container", []string{"start", "no-such-ctr"}, "no-such-ctr"},
		{"bad restart policy", []string{"create", "--restart", "sometimes", "bb", "true"}, "sometimes"},
		{"bad signal", []string{"kill", "-s", "SIGNOPE", "taken"}, "SIGNOPE"},
		{"bad bind source", []string{"create", "-v", "/no/such/dir:/x", "bb", "true"}, "/no/such/dir"},
		{"bad filter", []string{"ps", "--filter", "colour=red"}, "colour"},
		{"rm and restart", []string{"create", "--rm", "--restart", "always", "bb", "true"}, "--rm"},
		{"relative health log", []string{"create", "--health-cmd", "true", "--health-log-destination", "logs", "bb", "true"}, "--health-log-destination=logs"},
		{"startup check alone", []string{"create", "--health-startup-cmd", "true", "bb", "true"}, "--health-startup-cmd"},
		{"no check and a check", []string{"create", "--no-healthcheck", "--health-cmd", "true", "bb", "true"}, "--no-healthcheck and --health-cmd"},
		{"bad startup interval", []string{"create", "--health-cmd", "true", "--health-startup-cmd", "true", "--health-startup-interval", "0s", "bb", "true"}, "--health-startup-interval=0s"},
		{"unknown subcommand", []string{"network", "frobnicate", "x", "y"}, `unknown command "frobnicate" for "podunit network"`},
		{"unknown pod verb", []string{"pod", "frobnicate", "p"}, `unknown command "frobnicate" for "podunit pod"`},
		{"unknown generate verb", []string{"generate", "frobnicate", "taken"}, `unknown command "frobnicate" for "podunit generate"`},
		{"missing subcommand", []string{"image"}, "missing command 'podunit image COMMAND'"},
		{"newline in --after", []string{"generate", "systemd", "--after", "x.service\n[Service]\nExecStartPre=/bin/touch /P", "taken"}, "--after"},
		{"space in --wants", []string{"generate", "systemd", "--wants", "a.service b.service", "taken"}, "--wants"},
		{"not a unit in --requires", []string{"generate", "systemd", "--requires", "%n", "taken"}, "--requires"},
		{"hard link to nothing", []string{"image", "import", hardlink, "hl"}, `"bin/evil"`},
		{"hard link to nothing in a layer", []string{"load", "-i", hardlinkLayer}, `"bin/evil"`},
		{"env file error after a long line", []string{"create", "--env-file", nameless, "bb", "true"}, nameless + ":2:"},
		{"hostname too long", []string{"create", "-h", strings.Repeat("h", 65), "bb", "true"}, "65 characters"},
		{"pod hostname too long", []string{"pod", "create", "--hostname", strings.Repeat("h", 65)}, "65 characters"},
		{"env value not UTF-8", []string{"create", "-e", "BIN=a\xffb", "bb", "true"}, `"BIN"`},
		{"unknown user", []string{"run", "--rm", "-u", "nobody-here", "bb", "true"}, "nobody-here"},
	}
	before := snapshot(e)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := e.on(t)
			r := e.run(c.args...)
			if r.code != 125 {
				t.Errorf("exit %d, want 125; stderr %q", r.code, r.err)
			}
			if !strings.HasPrefix(r.err, "Error: ") && !strings.Contains(r.err, "\nError: ") {
				t.Errorf("no Error: line: %q", r.err)
			}
			if !strings.Contains(r.err, c.names) {
				t.Errorf("the error does not name %q: %q", c.names, r.err)
			}
			if after := snapshot(e); after != before {
				t.Errorf("state changed:\nbefore:\n%s\nafter:\n%s", before, after)
			}
		})
	}
}

// snapshot is what bad input must not change: containers, images, layers.
func snapshot(e *env) string {
	ps := e.must("ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.Names}} {{.State}}")
	imgs := e.must("images", "--no-trunc", "--format", "{{.ID}} {{.Repository}}:{{.Tag}}")
	layers, _ := os.ReadDir(filepath.Join(e.dir, "root", "overlay"))
	return ps + imgs + strings.Repeat("L", len(layers))
}

// writeHardlinkTar writes a rootfs tarball whose bin/evil is a hard link
// to an entry the archive does not have.
func writeHardlinkTar(p string) error {
	f, err := os.Create(p)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(f)
	for _, h := range []*tar.Header{{Name: "bin/", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: "bin/evil", Typeflag: tar.TypeLink, Linkname: "no/such/target"}} {
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return f.Close()
}

// writeHardlinkArchive writes a docker-archive whose one layer is the
// rootfs tarball at layerTar (see writeHardlinkTar).
func writeHardlinkArchive(layerTar, p string) error {
	img, err := oneLayerImage(layerTar)
	if err != nil {
		return err
	}
	return tarball.WriteToFile(p, name.MustParseReference("localhost/hardlink:1"), img)
}

// oneLayerImage is an image whose one layer is the tarball at layerTar.
func oneLayerImage(layerTar string) (v1.Image, error) {
	layer, err := tarball.LayerFromFile(layerTar)
	if err != nil {
		return nil, err
	}
	return mutate.AppendLayers(empty.Image, layer)
}
