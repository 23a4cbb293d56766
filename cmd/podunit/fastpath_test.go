package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// execTree runs args on the tree build makes and returns what it printed
// and the error text.
func execTree(build func(a *app, args []string) *cobra.Command, args []string) string {
	var out, errb bytes.Buffer
	a := newApp(nil, &out, &errb)
	root := build(a, args)
	root.SetArgs(args)
	err := root.Execute()
	s := out.String() + "\n--\n" + errb.String()
	if err != nil {
		s += "\n--\n" + err.Error()
	}
	return s
}

// Every fast verb prints the same help and refuses a bad flag or a missing
// argument with the same words as when the whole tree is built.
func TestFastPathMatchesTree(t *testing.T) {
	full := func(a *app, _ []string) *cobra.Command { return a.rootCommand() }
	fast := func(a *app, args []string) *cobra.Command { return a.rootCommandFor(args) }
	var paths []string
	a := newApp(nil, nil, nil)
	for path := range a.fastVerbs() {
		paths = append(paths, path)
	}
	for group, mk := range a.fastGroups() {
		paths = append(paths, group)
		for _, c := range mk().Commands() {
			paths = append(paths, group+" "+c.Name())
		}
	}
	for _, path := range paths {
		words := strings.Fields(path)
		for _, tail := range [][]string{{"--help"}, {"--no-such-flag"}} {
			args := append([]string{"--root", "/nonexistent", "--log-level=error"}, append(words, tail...)...)
			if got, want := execTree(fast, args), execTree(full, args); got != want {
				t.Errorf("podunit %s: the fast path prints\n%s\nthe whole tree\n%s", strings.Join(args, " "), got, want)
			}
		}
	}
}

func TestVerbPath(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
		ok   bool
	}{
		{[]string{"run", "--rm", "img", "true"}, "run", true},
		{[]string{"run", "img", "true"}, "run img", true},
		{[]string{"--root", "/r", "--runroot=/rr", "container", "unit-start", "id"}, "container unit-start", true},
		{[]string{"--help"}, "", false},
		{[]string{"--version", "run"}, "", false},
		{[]string{}, "", false},
		{[]string{"--runtime", "run", "ps"}, "ps", true}, // "run" is --runtime's value
	} {
		path, ok := verbPath(c.args)
		if got := strings.Join(path, " "); got != c.want || ok != c.ok {
			t.Errorf("verbPath(%q) = %q, %v; want %q, %v", c.args, got, ok, c.want, c.ok)
		}
	}
}

// BenchmarkRootCommand is what building the whole command tree costs each
// command; BenchmarkRootCommandFor the fast path of run.
func BenchmarkRootCommand(b *testing.B) {
	for b.Loop() {
		_ = newApp(nil, &bytes.Buffer{}, &bytes.Buffer{}).rootCommand()
	}
}

func BenchmarkRootCommandFor(b *testing.B) {
	args := []string{"run", "--rm", "busybox", "true"}
	for b.Loop() {
		_ = newApp(nil, &bytes.Buffer{}, &bytes.Buffer{}).rootCommandFor(args)
	}
}
