package main

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/names"
)

// podRowMore are the `pod ps` fields of podman-pod-ps(1) beyond the
// default table's: the JSON keys Cgroup, Namespace and Networks, and the
// template fields that --ctr-ids, --ctr-names and --ctr-status show.
type podRowMore struct {
	FullID            string `json:"Id"` // in full, even when the table truncates
	Cgroup            string
	Namespace         string
	Networks          []string
	ContainerIds      string `json:"-"`
	ContainerNames    string `json:"-"`
	ContainerStatuses string `json:"-"`
}

func newPodRowMore(p *model.Pod, members []podMember, noTrunc bool) podRowMore {
	m := podRowMore{FullID: p.ID, Cgroup: names.PodSlice(p.Name, p.ID), Networks: []string{}}
	if isNamedNetwork(p.Config.Network) {
		m.Networks = append([]string{p.Config.Network}, p.Config.Networks...)
	}
	var ids, ns, sts []string
	for _, c := range members {
		id := c.ID
		if !noTrunc {
			id = names.ShortID(id)
		}
		ids, ns, sts = append(ids, id), append(ns, c.Names), append(sts, c.Status)
	}
	m.ContainerIds, m.ContainerNames, m.ContainerStatuses = strings.Join(ids, ","), strings.Join(ns, ","), strings.Join(sts, ",")
	return m
}

// podPsColumns are the --ctr-* flags of `pod ps`: each puts its column in
// place of "# OF CONTAINERS", as in Podman.
type podPsColumns struct{ ids, names, status bool }

func (c *podPsColumns) register(fs *pflag.FlagSet) {
	fs.BoolVar(&c.ids, "ctr-ids", false, "show the members' IDs instead of their number")
	fs.BoolVar(&c.names, "ctr-names", false, "show the members' names instead of their number")
	fs.BoolVar(&c.status, "ctr-status", false, "show the members' states instead of their number")
}

// format is the default table of `pod ps` with these columns.
func (c podPsColumns) format() string {
	if !c.ids && !c.names && !c.status {
		return podPsFormat
	}
	f := strings.TrimSuffix(podPsFormat, "{{.NumberOfContainers}}")
	var cols []string
	for _, col := range []struct {
		on    bool
		field string
	}{{c.ids, "{{.ContainerIds}}"}, {c.names, "{{.ContainerNames}}"}, {c.status, "{{.ContainerStatuses}}"}} {
		if col.on {
			cols = append(cols, col.field)
		}
	}
	return f + strings.Join(cols, "\t")
}

// podPsHeaders are the column headers of `pod ps`.
var podPsHeaders = map[string]string{"ID": "POD ID", "CreatedHuman": "CREATED", "InfraID": "INFRA ID",
	"NumberOfContainers": "# OF CONTAINERS", "ContainerIds": "IDS", "ContainerNames": "NAMES",
	"ContainerStatuses": "STATUS"}

// podSortKeys are pod ps's --sort values; created is newest first, as
// Podman's pod ps lists them.
var podSortKeys = sortKeys[podRow]{
	"created": func(a, b podRow) int { return podCreated(b).Compare(podCreated(a)) },
	"id":      func(a, b podRow) int { return strings.Compare(a.fullID, b.fullID) },
	"name":    func(a, b podRow) int { return strings.Compare(a.Name, b.Name) },
	"number":  func(a, b podRow) int { return cmp.Compare(a.NumberOfContainers, b.NumberOfContainers) },
	"status":  func(a, b podRow) int { return strings.Compare(a.Status, b.Status) },
}

func podCreated(r podRow) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, r.Created)
	return t
}

// podPsOrder are pod ps's --sort and --latest/-l.
type podPsOrder struct {
	sort   string
	latest bool
}

func (o *podPsOrder) register(fs *pflag.FlagSet) {
	fs.StringVar(&o.sort, "sort", "created", "sort by created (newest first), id, name, number or status")
	fs.BoolVarP(&o.latest, "latest", "l", false, "show only the last created pod")
}

// apply sorts rows (ties newest first) and keeps the newest with --latest.
func (o podPsOrder) apply(rows []podRow) []podRow {
	slices.SortStableFunc(rows, func(a, b podRow) int { return cmp.Or(podSortKeys[o.sort](a, b), podSortKeys["created"](a, b)) })
	if o.latest && len(rows) > 1 {
		newest := slices.MinFunc(rows, podSortKeys["created"])
		return []podRow{newest}
	}
	return rows
}
