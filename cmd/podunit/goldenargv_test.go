package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podunit/podunit/generator/unitfile"
)

// TestGoldenExecLinesParse parses every Exec line of the generator's golden
// units with the CLI's own commands: each key must become flags that exist,
// with values the flags take (a key mapped to a missing flag fails here).
func TestGoldenExecLinesParse(t *testing.T) {
	goldens, _ := filepath.Glob("../../generator/testdata/golden/*.golden")
	if len(goldens) == 0 {
		t.Fatal("no golden files found")
	}
	root := newApp(os.Stdin, &bytes.Buffer{}, &bytes.Buffer{}).rootCommand()
	n := 0
	for _, g := range goldens {
		data, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			key, val, ok := strings.Cut(line, "=")
			if !ok || !strings.HasPrefix(key, "Exec") {
				continue
			}
			words, _, err := unitfile.SplitWordsRelaxed(val)
			if err != nil || len(words) < 2 || words[0] != "/usr/bin/podunit" {
				continue
			}
			n++
			cmd, rest, err := root.Find(words[1:])
			if err != nil {
				t.Errorf("%s: %s: %v", filepath.Base(g), line, err)
				continue
			}
			if err := cmd.ParseFlags(rest); err != nil {
				t.Errorf("%s: %s: %v", filepath.Base(g), line, err)
			}
		}
	}
	if n < 20 {
		t.Errorf("only %d Exec lines checked", n)
	}
}
