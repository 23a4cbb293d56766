package main

import (
	"bytes"
	"reflect"
	"slices"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// listFlags registers --arr/-a (an array) and --sl (a slice) on a new flag
// set, with pflag's own types or with podunit's.
func listFlags(own bool) (fs *pflag.FlagSet, arr, sl *[]string) {
	fs = pflag.NewFlagSet("t", pflag.ContinueOnError)
	fs.SetOutput(&bytes.Buffer{})
	arr, sl = new([]string), new([]string)
	if own {
		stringArrayVarP(fs, arr, "arr", "a", "an `ITEM` again and again")
		stringSliceVar(fs, sl, "sl", "items")
	} else {
		fs.StringArrayVarP(arr, "arr", "a", nil, "an `ITEM` again and again")
		fs.StringSliceVar(sl, "sl", nil, "items")
	}
	return fs, arr, sl
}

// TestListFlagsParseAsPflags: podunit's list values parse every command
// line as pflag's stringArray and stringSlice do, errors included, and print
// the same help.
func TestListFlagsParseAsPflags(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"--arr", "x"},
		{"--arr", "a,b", "-a", "c", "--arr="},
		{"-a", `"q,r"`, "--arr", " s "},
		{"--sl", "a,b", "--sl", "c"},
		{"--sl", ""},
		{"--sl", "", "--sl", "d"},
		{"--sl", `"a,b",c`, "--sl=e"},
		{"--sl", `"unterminated`},
		{"--sl", `a"b`},
		{"--arr"},
	} {
		pfs, parr, psl := listFlags(false)
		ofs, oarr, osl := listFlags(true)
		perr, oerr := pfs.Parse(args), ofs.Parse(args)
		if (perr == nil) != (oerr == nil) || perr != nil && perr.Error() != oerr.Error() {
			t.Errorf("%q: error %v, pflag's %v", args, oerr, perr)
			continue
		}
		if !reflect.DeepEqual(*oarr, *parr) || !reflect.DeepEqual(*osl, *psl) {
			t.Errorf("%q: got %q %q, pflag's %q %q", args, *oarr, *osl, *parr, *psl)
		}
		for _, name := range []string{"arr", "sl"} {
			p, o := pfs.Lookup(name), ofs.Lookup(name)
			if o.Changed != p.Changed || o.Value.Type() != p.Value.Type() ||
				!slices.Equal(o.Value.(cobra.SliceValue).GetSlice(), p.Value.(cobra.SliceValue).GetSlice()) {
				t.Errorf("%q --%s: changed %v type %s, pflag's %v %s", args, name, o.Changed, o.Value.Type(), p.Changed, p.Value.Type())
			}
			if len(*oarr)+len(*osl) > 0 && p.Value.String() != "[]" && o.Value.String() != p.Value.String() {
				t.Errorf("%q --%s: prints %q, pflag's %q", args, name, o.Value.String(), p.Value.String())
			}
		}
	}
	pfs, _, _ := listFlags(false)
	ofs, _, _ := listFlags(true)
	if o, p := ofs.FlagUsages(), pfs.FlagUsages(); o != p {
		t.Errorf("help:\n%s\npflag's:\n%s", o, p)
	}
}

// TestNoPflagListFlags: every list flag of the command tree is podunit's
// listValue, so that none of them costs pflag's CSV writer again.
func TestNoPflagListFlags(t *testing.T) {
	lists := 0
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if typ := f.Value.Type(); typ == "stringArray" || typ == "stringSlice" {
				lists++
				if _, ok := f.Value.(*listValue); !ok {
					t.Errorf("%s --%s: pflag's %s (register it with stringArrayVar or stringSliceVar)", c.CommandPath(), f.Name, typ)
				}
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newApp(nil, &bytes.Buffer{}, &bytes.Buffer{}).rootCommand())
	if lists < 50 {
		t.Errorf("%d list flags in the command tree: the walk missed some", lists)
	}
}
