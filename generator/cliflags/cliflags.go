// Package cliflags is podunit's flag table for the verbs generated units
// run, so that podunit-generator, which cannot link the CLI (cobra), parses
// PodmanArgs= and GlobalArgs= as the CLI will. cmd/podunit's tests keep the
// table equal to the CLI's flag sets (and rewrite it with -update-flags).
// It is pure data and a parser.
package cliflags

import (
	"fmt"
	"strconv"
	"strings"
)

// Flag is one flag of a verb: its long name, one-letter shorthand (or ""),
// and whether it takes a value (false for booleans, which take none).
type Flag struct {
	Long, Short string
	Value       bool
}

// Global is the verb path of the flags every command takes.
const Global = ""

// Verbs are the verb paths the table holds: what generated units run.
var Verbs = []string{Global, "run", "pod create", "volume create", "network create", "pull", "kube play"}

// Flags returns the flags of a verb path ("run", "pod create", Global).
func Flags(verb string) ([]Flag, bool) {
	f, ok := table[verb]
	return f, ok
}

// Check parses args as verb's flags, as the CLI parses them (pflag:
// --name=value, --name value, -x value, -xvalue, -abc for booleans), and
// returns an error naming the first word that is not one of them: an
// unknown flag, a flag without its value, or a word that is no flag.
func Check(verb string, args []string) error { return walk(verb, args, nil) }

// Bool is the value args give verb's boolean flag long, as pflag would
// leave it: false unless set, the last setting winning (--tty, --tty=false,
// -t, -it); a flag's value word is not read as a flag. Words after one
// Check refuses are not read.
func Bool(verb string, args []string, long string) bool {
	on := false
	_ = walk(verb, args, func(f Flag, value string, hasValue bool) {
		if f.Long == long && !f.Value {
			v, err := strconv.ParseBool(value)
			on = !hasValue || (err == nil && v)
		}
	})
	return on
}

// walk parses args as Check describes, handing seen (if not nil) each flag
// with its value (hasValue false for a boolean given bare).
func walk(verb string, args []string, seen func(f Flag, value string, hasValue bool)) error {
	flags, ok := table[verb]
	if !ok {
		return fmt.Errorf("no flag table for %q", verb)
	}
	name := "podunit " + verb
	lookup := func(match func(Flag) bool) (Flag, bool) { return find(flags, match) }
	if verb == Global {
		name = "podunit (global flags)"
	} else { // the global flags are accepted after a verb too
		lookup = func(match func(Flag) bool) (Flag, bool) {
			if f, ok := find(flags, match); ok {
				return f, ok
			}
			return find(table[Global], match)
		}
	}
	if seen == nil {
		seen = func(Flag, string, bool) {}
	}
	for i := 0; i < len(args); i++ {
		next, err := checkWord(lookup, args, i, seen)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if next {
			i++
		}
	}
	return nil
}

// checkWord checks args[i]; next reports that it takes the following word
// as its value.
func checkWord(find func(func(Flag) bool) (Flag, bool), args []string, i int, seen func(Flag, string, bool)) (next bool, err error) {
	w, hasNext := args[i], i+1 < len(args)
	valueOf := func(inWord string, hasInWord, next bool) (string, bool) {
		if next {
			return args[i+1], true
		}
		return inWord, hasInWord
	}
	switch {
	case w == "--" || !strings.HasPrefix(w, "-") || w == "-":
		return false, fmt.Errorf("%q is not a flag (only flags belong here)", w)
	case strings.HasPrefix(w, "--"):
		long, value, hasValue := strings.Cut(w[2:], "=")
		f, ok := find(func(f Flag) bool { return f.Long == long })
		if !ok {
			return false, fmt.Errorf("unknown flag --%s", long)
		}
		if next, err = needsNext(f, hasValue, hasNext, "--"+long); err == nil {
			v, hv := valueOf(value, hasValue, next)
			seen(f, v, hv)
		}
		return next, err
	}
	for j := 1; j < len(w); j++ {
		c := w[j : j+1]
		f, ok := find(func(f Flag) bool { return f.Short == c })
		if !ok {
			return false, fmt.Errorf("unknown shorthand flag -%s in %s", c, w)
		}
		if f.Value {
			if next, err = needsNext(f, j+1 < len(w), hasNext, "-"+c); err == nil {
				v, hv := valueOf(w[j+1:], j+1 < len(w), next)
				seen(f, v, hv)
			}
			return next, err
		}
		seen(f, "", false)
	}
	return false, nil
}

func needsNext(f Flag, hasValue, hasNext bool, name string) (bool, error) {
	switch {
	case !f.Value || hasValue:
		return false, nil
	case !hasNext:
		return false, fmt.Errorf("flag %s needs a value", name)
	}
	return true, nil
}

func find(flags []Flag, match func(Flag) bool) (Flag, bool) {
	for _, f := range flags {
		if match(f) {
			return f, true
		}
	}
	return Flag{}, false
}
