package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine/rootless"
)

// notHere decides whether run removes the container it made before the
// parent runs it again in another user namespace: only for that error,
// however wrapped.
func TestNotHere(t *testing.T) {
	nh := &rootless.NotHereError{PID: 42, What: `container "a"`}
	if !notHere(nh) || !notHere(fmt.Errorf("starting: %w", nh)) {
		t.Error("a NotHereError was not taken for one")
	}
	if notHere(nil) || notHere(errors.New("container \"a\" runs in another user namespace")) {
		t.Error("another error was taken for a NotHereError")
	}
}

// TestBeginsOutside: the commands a rootless podunit begins outside its
// user namespace are the record readers, the verbs that work in a running
// container, and stop and kill of one container; no verb that writes first.
func TestBeginsOutside(t *testing.T) {
	var got []string
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if how := sub.Annotations[beginsOutside]; how != "" {
				name := strings.TrimPrefix(sub.CommandPath(), "podunit ")
				if how != "yes" {
					name += " (" + how + ")"
				}
				got = append(got, name)
			}
			walk(sub)
		}
	}
	walk(newApp(os.Stdin, &bytes.Buffer{}, &bytes.Buffer{}).rootCommand())
	sort.Strings(got)
	want := []string{"container cp", "container exec", "container exists", "container inspect", "container kill (one)",
		"container list", "container logs", "container ps", "container stop (one)", "container top", "container unit-stop", "container wait (one)",
		"cp", "exec", "healthcheck run", "inspect", "kill (one)", "logs", "pod exists", "pod inspect", "pod logs", "pod ps",
		"ps", "stop (one)", "top", "volume exists", "volume inspect", "volume ls", "wait (one)"}
	if !slices.Equal(got, want) {
		t.Errorf("commands read outside the user namespace: %q, want %q", got, want)
	}
}
