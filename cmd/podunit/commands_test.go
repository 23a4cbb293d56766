package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestUnknownSubcommandFails: every command group refuses a verb it does
// not have with Podman's exit code 125 and names it; cobra alone prints the
// group's help and exits 0.
func TestUnknownSubcommandFails(t *testing.T) {
	var groups []string
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if sub.HasSubCommands() {
				groups = append(groups, strings.TrimPrefix(sub.CommandPath(), "podunit "))
			}
			walk(sub)
		}
	}
	walk(newApp(os.Stdin, &bytes.Buffer{}, &bytes.Buffer{}).rootCommand())
	for _, want := range []string{"container", "pod", "image", "generate", "volume", "network", "completion"} {
		if !strings.Contains(" "+strings.Join(groups, " ")+" ", " "+want+" ") {
			t.Errorf("group %q not found among %q", want, groups)
		}
	}
	for _, g := range append(groups, "") {
		args := append(strings.Fields(g), "no-such-verb")
		var out, errw bytes.Buffer
		root := newApp(os.Stdin, &out, &errw).rootCommand()
		root.SetArgs(args)
		err := root.Execute()
		path := strings.TrimSpace("podunit " + g)
		if err == nil || exitCodeOf(err) != exitEngine {
			t.Errorf("%q: err %v, want exit 125", args, err)
			continue
		}
		if want := `unknown command "no-such-verb" for "` + path + `"`; !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %q does not say %q", args, err, want)
		}
		if out.Len() != 0 {
			t.Errorf("%q printed %q on stdout", args, out.String())
		}
	}
}

func TestMissingSubcommandFails(t *testing.T) {
	var out bytes.Buffer
	root := newApp(os.Stdin, &out, &bytes.Buffer{}).rootCommand()
	root.SetArgs([]string{"network"})
	err := root.Execute()
	if err == nil || !strings.Contains(err.Error(), "missing command 'podunit network COMMAND'") {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(out.String(), "Available Commands:") {
		t.Errorf("no help printed: %q", out.String())
	}
}
