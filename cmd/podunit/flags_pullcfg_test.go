package main

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/generator/export"
)

// TestPullConfigRecorded: --pull, --retry, --retry-delay and
// --decryption-key reach the
// record (defaults leave it empty), and generate systemd --new writes them
// back so that its run line makes the same record.
func TestPullConfigRecorded(t *testing.T) {
	if o, err := parseCreate(t, "bb"); err != nil || !reflect.DeepEqual(o.PullConfig, model.PullConfig{}) {
		t.Errorf("defaults: %+v, %v; want an empty PullConfig", o.PullConfig, err)
	}
	if o, _ := parseCreate(t, "--pull", "missing", "bb"); o.PullPolicy != "" {
		t.Errorf("--pull missing recorded %q", o.PullPolicy)
	}
	if o, _ := parseCreate(t, "--pull", "false", "bb"); o.PullPolicy != "never" {
		t.Errorf("--pull false recorded %q, want never (Podman's alias)", o.PullPolicy)
	}
	for _, args := range [][]string{
		{"--pull", "newer", "--retry", "0", "--retry-delay", "2s"},
		{"--pull", "always", "--retry", "7"},
		{"--pull", "always", "--retry", "7", "--decryption-key", "/k.pem:pass word", "--decryption-key", "/k2.pem"},
		{"--pull", "never"},
	} {
		c, argv := newRunLine(t, append(append([]string{"--name", "p", "--entrypoint", "sh"}, args...), "bb", "true")...)
		if !strings.Contains(strings.Join(argv, " "), strings.Join(args, " ")) {
			t.Errorf("%q: the run line %q lacks them", args, argv)
		}
		again, err := parseCreate(t, argv...)
		if err != nil {
			t.Fatalf("%q: %v", argv, err)
		}
		if !reflect.DeepEqual(again.PullConfig, c.Config.PullConfig) {
			t.Errorf("%q: regenerated %+v, want %+v", args, again.PullConfig, c.Config.PullConfig)
		}
	}
}

// TestCreateDecryptionKey: create's and run's --decryption-key reaches the
// options of the pull they make (the PullExtras pull's own flag fills).
func TestCreateDecryptionKey(t *testing.T) {
	var f createFlags
	cmd := &cobra.Command{Use: "create"}
	f.register(cmd.Flags())
	if err := cmd.Flags().Parse([]string{"--decryption-key", "/a.pem", "--decryption-key", "/b.pem:pw", "bb"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.options(cmd, cmd.Flags().Args()); err != nil {
		t.Fatal(err)
	}
	if got := f.meta.pull.DecryptionKeys; !slices.Equal(got, []string{"/a.pem", "/b.pem:pw"}) {
		t.Errorf("the pull's keys: %q", got)
	}
}

func TestPullPolicyRefused(t *testing.T) {
	_, err := parseCreate(t, "--pull", "sometimes", "bb")
	if err == nil || !strings.Contains(err.Error(), `--pull "sometimes"`) || !errdefs.IsInvalidArgument(err) {
		t.Errorf("--pull sometimes: %v, want an invalid-argument error naming --pull and the value", err)
	}
}

// newRunLine parses create's args, makes the record of them and returns it
// with the flags, image and command of the run line generate systemd --new
// writes for it (what follows --rm in ExecStart=).
func newRunLine(t *testing.T, args ...string) (*model.Container, []string) {
	t.Helper()
	o, err := parseCreate(t, args...)
	if err != nil {
		t.Fatal(err)
	}
	c := recordOf(t, o)
	u, err := export.Container(c, nil, export.Options{New: true})
	if err != nil {
		t.Fatal(err)
	}
	argv := unitExecStart(t, u)
	return c, argv[slices.Index(argv, "--rm")+1:]
}
