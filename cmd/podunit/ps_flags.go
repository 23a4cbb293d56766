package main

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	"github.com/spf13/pflag"
)

// psExtra are ps's flags of podman-ps(1) beyond the first set: --pod (the
// POD ID and PODNAME columns), --last/-n and --latest/-l (the last created
// containers, in any state) and --sort.
type psExtra struct {
	pod, latest, size, ns bool
	last                  int
	sort                  string
}

// psSortKeys compare two rows by each --sort value (podman-ps(1)'s, but
// size, which needs --size).
var psSortKeys = sortKeys[*psRow]{
	"command":    func(a, b *psRow) int { return strings.Compare(a.Command(), b.Command()) },
	"created":    func(a, b *psRow) int { return a.created.Compare(b.created) },
	"id":         func(a, b *psRow) int { return strings.Compare(a.psJSON.ID, b.psJSON.ID) },
	"image":      func(a, b *psRow) int { return strings.Compare(a.Image, b.Image) },
	"names":      func(a, b *psRow) int { return strings.Compare(a.Names(), b.Names()) },
	"runningfor": func(a, b *psRow) int { return b.created.Compare(a.created) },
	"status":     func(a, b *psRow) int { return strings.Compare(a.Status, b.Status) },
	"size": func(a, b *psRow) int {
		return cmp.Compare(cmp.Or(a.psJSON.Size, &psSize{}).RwSize, cmp.Or(b.psJSON.Size, &psSize{}).RwSize)
	},
}

func (x *psExtra) register(fs *pflag.FlagSet) {
	fs.BoolVarP(&x.pod, "pod", "p", false, "add the POD ID and PODNAME columns")
	fs.IntVarP(&x.last, "last", "n", -1, "show the N last created containers, in any state")
	fs.BoolVarP(&x.latest, "latest", "l", false, "show the last created container, in any state")
	fs.StringVar(&x.sort, "sort", "created", "sort by command, created, id, image, names, runningfor, size or status")
	fs.BoolVarP(&x.size, "size", "s", false, "add the SIZE column: what the container wrote (virtual: with its image)")
	fs.BoolVar(&x.ns, "ns", false, "show the namespaces of each container's init")
}

// all: --last and --latest list containers in every state.
func (x psExtra) all() bool { return x.last >= 0 || x.latest }

// check refuses a --sort value ps does not know, before anything is read.
func (x psExtra) check() error { return psSortKeys.check(x.sort) }

// apply keeps the last created rows that --last/--latest ask for, in
// --sort's order (ties by creation).
func (x psExtra) apply(rows []*psRow) []*psRow {
	byCreated := func(a, b *psRow) int {
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
	slices.SortStableFunc(rows, func(a, b *psRow) int { return cmp.Or(psSortKeys[x.sort](a, b), byCreated(a, b)) })
	return rows
}

// psNsFormat is `ps --ns`'s table, as Podman's.
const psNsFormat = "table {{.ID}}\t{{.Names}}\t{{.Pid}}\t{{.CgroupNS}}\t{{.IPCNS}}\t{{.MntNS}}\t{{.NetNS}}\t" +
	"{{.PidNS}}\t{{.UserNS}}\t{{.UtsNS}}"

// The --ns columns as methods: a table header cannot name a nested field.
func (r psRow) CgroupNS() string { return r.psJSON.Namespaces.Cgroup }
func (r psRow) IPCNS() string    { return r.psJSON.Namespaces.IPC }
func (r psRow) MntNS() string    { return r.psJSON.Namespaces.MNT }
func (r psRow) NetNS() string    { return r.psJSON.Namespaces.NET }
func (r psRow) PidNS() string    { return r.psJSON.Namespaces.PIDNS }
func (r psRow) UserNS() string   { return r.psJSON.Namespaces.User }
func (r psRow) UtsNS() string    { return r.psJSON.Namespaces.UTS }

// psExtraHeaders are the titles of the columns psExtra adds.
var psExtraHeaders = map[string]string{"CgroupNS": "CGROUPNS", "IPCNS": "IPC", "MntNS": "MNT", "NetNS": "NET",
	"PidNS": "PIDNS", "UserNS": "USERNS", "UtsNS": "UTS", "Pid": "PID"}

// table is the table format ps prints: the user's, else the default with
// the columns these flags add. The default alone goes by defaultCells.
func (x psExtra) table(user string) string {
	if user == "" && (x.pod || x.size || x.ns) {
		return x.format()
	}
	return user
}

// format is ps's default table with --pod's and --size's columns, or --ns's table.
func (x psExtra) format() string {
	if x.ns {
		return psNsFormat
	}
	f := psDefaultFormat
	if x.pod {
		f += "\t{{.Pod}}\t{{.PodName}}"
	}
	if x.size {
		f += "\t{{.Size}}"
	}
	return f
}

// psAllHeaders are ps's column titles, psExtra's included.
func psAllHeaders() map[string]string {
	h := maps.Clone(psHeaders)
	maps.Copy(h, psExtraHeaders)
	return h
}
