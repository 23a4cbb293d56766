package main

import (
	"encoding/json"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/docker/go-units"
	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/names"
)

// psJSON is one container as `ps --format json` prints it: the keys and
// types of Podman's ListContainer (full IDs, Command and Names as lists,
// Created in Unix seconds, Ports as mappings), and podunit's Unit.
type psJSON struct {
	AutoRemove bool              `json:"AutoRemove"`
	Command    []string          `json:"Command"`
	Created    int64             `json:"Created"`
	CreatedAt  string            `json:"CreatedAt"` // "3 minutes ago", as Podman's JSON
	Exited     bool              `json:"Exited"`
	ExitedAt   int64             `json:"ExitedAt"`
	ExitCode   int32             `json:"ExitCode"`
	ID         string            `json:"Id"`
	Image      string            `json:"Image"`
	ImageID    string            `json:"ImageID"`
	IsInfra    bool              `json:"IsInfra"`
	Labels     map[string]string `json:"Labels"`
	Mounts     []string          `json:"Mounts"` // destinations
	Names      []string          `json:"Names"`
	Networks   []string          `json:"Networks"`
	Pid        int               `json:"Pid"`
	Pod        string            `json:"Pod"`     // full ID, "" outside a pod
	PodName    string            `json:"PodName"` // "" outside a pod
	Ports      []psPort          `json:"Ports"`
	Restarts   uint              `json:"Restarts"`
	StartedAt  int64             `json:"StartedAt"`
	State      string            `json:"State"`
	Status     string            `json:"Status"` // "Up 3 seconds", as Podman's JSON
	Unit       string            `json:"Unit"`
	Namespaces psNamespaces      `json:"Namespaces"` // empty without --ns, as Podman's
	Size       *psSize           `json:"Size"`       // null without --size, as Podman's
}

// psPort is a published port in Podman's JSON form (netavark's PortMapping).
type psPort struct {
	HostIP        string `json:"host_ip"`
	ContainerPort uint16 `json:"container_port"`
	HostPort      uint16 `json:"host_port"`
	Range         uint16 `json:"range"`
	Protocol      string `json:"protocol"`
}

// psRow is what a ps template sees: the JSON fields, and methods with
// Podman's template names and forms where they differ (short IDs, one
// Names string, the PORTS text, CreatedHuman).
type psRow struct {
	psJSON
	noTrunc bool
	created time.Time
	now     time.Time
}

func (r psRow) ID() string      { return shortUnless(r.noTrunc, r.psJSON.ID) }
func (r psRow) ImageID() string { return shortUnless(r.noTrunc, r.psJSON.ImageID) }
func (r psRow) Pod() string     { return shortUnless(r.noTrunc, r.psJSON.Pod) }
func (r psRow) Names() string   { return strings.Join(r.psJSON.Names, ",") }
func (r psRow) Networks() string {
	return strings.Join(r.psJSON.Networks, ",")
}
func (r psRow) Ports() string            { return portsText(r.psJSON.Ports) }
func (r psRow) Label(name string) string { return r.Labels[name] }
func (r psRow) CreatedAt() string        { return r.created.String() }
func (r psRow) CreatedHuman() string     { return units.HumanDuration(r.now.Sub(r.created)) + " ago" }
func (r psRow) RunningFor() string       { return r.CreatedHuman() }
func (r psRow) Restarts() string         { return strconv.Itoa(int(r.psJSON.Restarts)) }
func (r psRow) Command() string {
	cmd := strings.Join(r.psJSON.Command, " ")
	if !r.noTrunc && len(cmd) > 20 {
		cmd = cmd[:17] + "..."
	}
	return cmd
}

func shortUnless(noTrunc bool, id string) string {
	if noTrunc {
		return id
	}
	return names.ShortID(id)
}

// newPsRow makes c's row; pod is the pod c belongs to, or nil. A pod's
// members publish through the pod, so theirs are the pod's ports.
func newPsRow(c *model.Container, pod *model.Pod, noTrunc bool, now time.Time) psRow {
	j := psJSON{
		AutoRemove: c.Config.Remove, Command: nonNil(c.Config.Args()),
		Created: c.Created.Unix(), CreatedAt: units.HumanDuration(now.Sub(c.Created)) + " ago",
		Exited: c.State.Status == model.Exited, ExitCode: int32(c.State.ExitCode),
		ID: c.ID, Image: c.Image, ImageID: c.ImageID, Labels: c.Config.Labels,
		Mounts: []string{}, Names: []string{c.Name}, Networks: []string{}, Pid: c.State.Pid,
		Ports: []psPort{}, State: string(c.State.Status), Status: statusText(c, now), Unit: c.State.Unit,
	}
	j.StartedAt, j.ExitedAt = unixOrZero(c.State.StartedAt), unixOrZero(c.State.FinishedAt)
	for _, m := range c.Config.Mounts {
		j.Mounts = append(j.Mounts, m.Destination)
	}
	ports, network := c.Config.Ports, c.Config.Network
	if pod != nil {
		j.Pod, j.PodName = pod.ID, pod.Name
		ports, network = pod.Config.Ports, pod.Config.Network
	}
	if network != "" && network != "none" && network != "host" && !strings.Contains(network, ":") {
		j.Networks = append(j.Networks, network)
	}
	for _, p := range ports {
		j.Ports = append(j.Ports, psPort{HostIP: p.HostIP, ContainerPort: p.ContainerPort,
			HostPort: p.HostPort, Range: 1, Protocol: p.Protocol})
	}
	return psRow{psJSON: j, noTrunc: noTrunc, created: c.Created, now: now}
}

func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// portsText is Podman's PORTS column: "127.0.0.1:8080->80/tcp, 0.0.0.0:53->53/udp".
func portsText(ports []psPort) string {
	var parts []string
	for _, p := range ports {
		ip := p.HostIP
		if ip == "" {
			ip = "0.0.0.0"
		}
		parts = append(parts, fmt.Sprintf("%s->%d/%s", net.JoinHostPort(ip, strconv.Itoa(int(p.HostPort))), p.ContainerPort, p.Protocol))
	}
	return strings.Join(parts, ", ")
}

// statusText is Podman's STATUS column: "Up 3 seconds", "Exited (0) 2 minutes ago".
func statusText(c *model.Container, now time.Time) string {
	switch c.State.Status {
	case model.Running:
		return "Up " + units.HumanDuration(now.Sub(c.State.StartedAt)) + healthSuffix(c)
	case model.Exited:
		return fmt.Sprintf("Exited (%d) %s ago", c.State.ExitCode, units.HumanDuration(now.Sub(c.State.FinishedAt)))
	case model.Created:
		return "Created"
	case model.Stopping:
		return "Stopping"
	case model.Paused:
		return "Paused"
	}
	return string(c.State.Status)
}

const psDefaultFormat = "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.CreatedHuman}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}"

// defaultCells are psDefaultFormat's columns (TestPsDefaultCells keeps
// them equal).
func (r psRow) defaultCells() []string {
	return []string{r.ID(), r.Image, r.Command(), r.CreatedHuman(), r.Status, r.Ports(), r.Names()}
}

var psHeaders = map[string]string{"ID": "CONTAINER ID", "CreatedHuman": "CREATED", "Pod": "POD ID",
	"PodName": "PODNAME", "RunningFor": "RUNNING FOR", "ImageID": "IMAGE ID", "CreatedAt": "CREATED AT"}

func (a *app) psCommand() *cobra.Command {
	var all, quiet, noTrunc, noHeading bool
	var format string
	var filters []string
	var more psExtra
	cmd := &cobra.Command{
		Use:   "ps [flags]",
		Short: "List containers",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := more.check(); err != nil {
				return err
			}
			eng, err := a.engine()
			if err != nil {
				return err
			}
			match, err := containerFilter(a.ctx(cmd), eng, filters)
			if err != nil {
				return err
			}
			var recorded []model.Status // without -a only running and paused ones, which are recorded running
			if !all && !more.all() && !hasStatusFilter(filters) {
				recorded = []model.Status{model.Running}
			}
			rows, err := a.psRows(cmd, recorded, func(c *model.Container) bool {
				return (recorded == nil || c.State.Status == model.Running || c.State.Status == model.Paused) && match(c)
			}, noTrunc)
			if err != nil {
				return err
			}
			if err := more.fill(a.ctx(cmd), eng, rows); err != nil {
				return err
			}
			rows = more.apply(rows)
			if format == "json" {
				js := make([]psJSON, 0, len(rows))
				for _, r := range rows {
					js = append(js, r.psJSON)
				}
				return writeJSON(a.out, js)
			}
			return printList(a, listOutput{name: "ps", format: more.table(format), defaultFormat: psDefaultFormat,
				quiet: quiet, noHeading: noHeading, headers: psAllHeaders()}, rows, func(r *psRow) string { return r.ID() })
		},
	}
	fs := cmd.Flags()
	fs.BoolVarP(&all, "all", "a", false, "show all containers, not only running ones")
	fs.BoolVarP(&quiet, "quiet", "q", false, "print only the container IDs")
	fs.BoolVar(&noTrunc, "no-trunc", false, "do not truncate IDs and commands")
	fs.BoolVar(&noHeading, "noheading", false, "do not print the header line")
	fs.StringVar(&format, "format", "", "Go template or json")
	stringArrayVarP(fs, &filters, "filter", "f", "filter: id, name, label, status, exited, health, ancestor, pod, network, volume, before, since, until, restart-policy (KEY=VALUE)")
	more.register(fs)
	return outsideFirst(cmd)
}

// psRows lists the containers recorded in one of statuses (all for none)
// that keep selects, each with its pod, in no set order (psExtra.apply sorts
// them). A row keeps what ps prints of its container, not the whole decoded
// record (engine.EachContainer).
func (a *app) psRows(cmd *cobra.Command, statuses []model.Status, keep func(*model.Container) bool, noTrunc bool) ([]*psRow, error) {
	eng, err := a.engine()
	if err != nil {
		return nil, err
	}
	pods, err := eng.Pods(a.ctx(cmd))
	if err != nil {
		return nil, err
	}
	byID := map[string]*model.Pod{}
	for _, p := range pods {
		byID[p.ID] = p
	}
	now := time.Now()
	rows := []*psRow{}
	err = eng.EachContainer(a.ctx(cmd), statuses, func(c *model.Container) error {
		if keep(c) {
			r := newPsRow(c, byID[c.Config.Pod], noTrunc, now)
			rows = append(rows, &r)
		}
		return nil
	})
	return rows, err
}

// hasStatusFilter: a status or exited filter lists every container it
// matches, -a or not.
func hasStatusFilter(filters []string) bool {
	for _, f := range filters {
		if strings.HasPrefix(f, "status=") || strings.HasPrefix(f, "exited=") {
			return true
		}
	}
	return false
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
