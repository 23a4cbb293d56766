package main

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"

	"github.com/spf13/pflag"
)

// The list flags (--env, --volume, --cap-add, ...) are registered through
// stringArrayVar and stringSliceVar rather than pflag's own: pflag prints
// each flag's default when it registers it, and for its list types that is
// a CSV writer with a 4 KB buffer per flag. Building run's flags made 40 of
// them, 140 of the 178 KB that building its branch of the command tree
// allocated (BenchmarkRootCommandFor), for defaults that are always empty.

// listValue is pflag's stringArray (each use of the flag adds one item) or,
// with csv, its stringSlice (each use adds a comma-separated list, quoted as
// CSV): the same Set and Type, so the same parsing and the same help. Its
// String is pflag's form, "[a,b]", except for the empty list: "" rather
// than "[]", which is how pflag tells, for a type not its own, that the
// default is empty and not to be printed.
type listValue struct {
	p       *[]string
	csv     bool
	changed bool
}

func (v *listValue) Set(s string) error {
	items := []string{s}
	if v.csv {
		var err error
		if items, err = readCSV(s); err != nil {
			return err
		}
	}
	if !v.changed {
		*v.p, v.changed = items, true
		return nil
	}
	*v.p = append(*v.p, items...)
	return nil
}

func (v *listValue) Type() string {
	if v.csv {
		return "stringSlice"
	}
	return "stringArray"
}

func (v *listValue) String() string {
	if len(*v.p) == 0 {
		return ""
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(*v.p) // a bytes.Buffer does not fail
	w.Flush()
	return "[" + strings.TrimSuffix(b.String(), "\n") + "]"
}

// GetSlice is a copy of the list (cobra.SliceValue: shell completion
// offers such a flag again after it was given).
func (v *listValue) GetSlice() []string { return slices.Clone(*v.p) }

// readCSV is one use of a stringSlice flag's items: none for "".
func readCSV(s string) ([]string, error) {
	if s == "" {
		return []string{}, nil
	}
	return csv.NewReader(strings.NewReader(s)).Read()
}

// stringArrayVar is fs.StringArrayVar(p, name, nil, usage).
func stringArrayVar(fs *pflag.FlagSet, p *[]string, name, usage string) {
	stringArrayVarP(fs, p, name, "", usage)
}

// stringArrayVarP is fs.StringArrayVarP(p, name, short, nil, usage).
func stringArrayVarP(fs *pflag.FlagSet, p *[]string, name, short, usage string) {
	*p = nil
	fs.VarP(&listValue{p: p}, name, short, usage)
}

// stringSliceVar is fs.StringSliceVar(p, name, nil, usage).
func stringSliceVar(fs *pflag.FlagSet, p *[]string, name, usage string) {
	*p = nil
	fs.Var(&listValue{p: p, csv: true}, name, usage)
}
