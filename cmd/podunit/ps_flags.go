package main

import (
	"cmp"
	"slices"
	"strings"

	"github.com/spf13/pflag"
)

// psExtra are ps's flags of podman-ps(1) beyond the first set: --pod (the
// POD ID and PODNAME columns), --last/-n and --latest/-l (the last created
// containers, in any state) and --sort.
type psExtra struct {
	pod, latest bool
	last        int
	sort        string
}

// psSortKeys compare two rows by each --sort value (podman-ps(1)'s, but
// size, which needs --size).
var psSortKeys = sortKeys[psRow]{
	"command":    func(a, b psRow) int { return strings.Compare(a.Command(), b.Command()) },
	"created":    func(a, b psRow) int { return a.created.Compare(b.created) },
	"id":         func(a, b psRow) int { return strings.Compare(a.psJSON.ID, b.psJSON.ID) },
	"image":      func(a, b psRow) int { return strings.Compare(a.Image, b.Image) },
	"names":      func(a, b psRow) int { return strings.Compare(a.Names(), b.Names()) },
	"runningfor": func(a, b psRow) int { return b.created.Compare(a.created) },
	"status":     func(a, b psRow) int { return strings.Compare(a.Status, b.Status) },
}

func (x *psExtra) register(fs *pflag.FlagSet) {
	fs.BoolVarP(&x.pod, "pod", "p", false, "add the POD ID and PODNAME columns")
	fs.IntVarP(&x.last, "last", "n", -1, "show the N last created containers, in any state")
	fs.BoolVarP(&x.latest, "latest", "l", false, "show the last created container, in any state")
	fs.StringVar(&x.sort, "sort", "created", "sort by command, created, id, image, names, runningfor or status")
}

// all: --last and --latest list containers in every state.
func (x psExtra) all() bool { return x.last >= 0 || x.latest }

// check refuses a --sort value ps does not know, before anything is read.
func (x psExtra) check() error { return psSortKeys.check(x.sort) }

// apply keeps the last created rows that --last/--latest ask for, in
// --sort's order (ties by creation).
func (x psExtra) apply(rows []psRow) []psRow {
	byCreated := func(a, b psRow) int {
		return cmp.Or(a.created.Compare(b.created), strings.Compare(a.psJSON.ID, b.psJSON.ID))
	}
	slices.SortStableFunc(rows, byCreated)
	n := x.last
	if x.latest {
		n = 1
	}
	if n >= 0 && n < len(rows) {
		rows = rows[len(rows)-n:]
	}
	slices.SortStableFunc(rows, func(a, b psRow) int { return cmp.Or(psSortKeys[x.sort](a, b), byCreated(a, b)) })
	return rows
}

// format is ps's default table with --pod's columns.
func (x psExtra) format() string {
	if x.pod {
		return psDefaultFormat + "\t{{.Pod}}\t{{.PodName}}"
	}
	return psDefaultFormat
}
