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

// psRow is one line of `ps`: the fields templates and JSON can use.
type psRow struct {
	ID           string            `json:"Id"`
	Image        string            `json:"Image"`
	ImageID      string            `json:"ImageID"`
	Command      string            `json:"-"`
	Cmd          []string          `json:"Command"`
	CreatedHuman string            `json:"-"`
	Created      int64             `json:"Created"`
	CreatedAt    string            `json:"CreatedAt"`
	Status       string            `json:"Status"`
	State        string            `json:"State"`
	ExitCode     int               `json:"ExitCode"`
	Exited       bool              `json:"Exited"`
	Pid          int               `json:"Pid"`
	Names        string            `json:"-"`
	NameList     []string          `json:"Names"`
	Labels       map[string]string `json:"Labels"`
	Unit         string            `json:"Unit"`
	Ports        string            `json:"-"`
}

func newPsRow(c *model.Container, noTrunc bool, now time.Time) psRow {
	id, cmd := c.ID, strings.Join(c.Config.Args(), " ")
	if !noTrunc {
		id = names.ShortID(id)
		if len(cmd) > 20 {
			cmd = cmd[:17] + "..."
		}
	}
	return psRow{
		ID: id, Image: c.Image, ImageID: c.ImageID, Command: cmd, Cmd: c.Config.Args(),
		CreatedHuman: units.HumanDuration(now.Sub(c.Created)) + " ago",
		Created:      c.Created.Unix(), CreatedAt: c.Created.Format(time.RFC3339Nano),
		Status: statusText(c, now), State: string(c.State.Status), ExitCode: c.State.ExitCode,
		Exited: c.State.Status == model.Exited, Pid: c.State.Pid, Names: c.Name, NameList: []string{c.Name},
		Labels: c.Config.Labels, Unit: c.State.Unit, Ports: portsText(c.Config.Ports),
	}
}

// portsText is Podman's PORTS column: "127.0.0.1:8080->80/tcp, 0.0.0.0:53->53/udp".
func portsText(ports []model.PortMapping) string {
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
		return "Up " + units.HumanDuration(now.Sub(c.State.StartedAt))
	case model.Exited:
		return fmt.Sprintf("Exited (%d) %s ago", c.State.ExitCode, units.HumanDuration(now.Sub(c.State.FinishedAt)))
	case model.Created:
		return "Created"
	case model.Stopping:
		return "Stopping"
	}
	return string(c.State.Status)
}

const psDefaultFormat = "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.CreatedHuman}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}"

var psHeaders = map[string]string{"ID": "CONTAINER ID", "CreatedHuman": "CREATED", "Names": "NAMES"}

func (a *app) psCommand() *cobra.Command {
	var all, quiet, noTrunc, noHeading bool
	var format string
	var filters []string
	cmd := &cobra.Command{
		Use:   "ps [flags]",
		Short: "List containers",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			eng, err := a.engine()
			if err != nil {
				return err
			}
			match, err := containerFilter(a.ctx(cmd), eng, filters)
			if err != nil {
				return err
			}
			list, err := eng.Containers(a.ctx(cmd))
			if err != nil {
				return err
			}
			now := time.Now()
			rows := []psRow{}
			for _, c := range list {
				if (all || c.State.Status == model.Running || hasStatusFilter(filters)) && match(c) {
					rows = append(rows, newPsRow(c, noTrunc, now))
				}
			}
			return printList(a, listOutput{name: "ps", format: format, defaultFormat: psDefaultFormat,
				quiet: quiet, noHeading: noHeading, headers: psHeaders}, rows, func(r psRow) string { return r.ID })
		},
	}
	fs := cmd.Flags()
	fs.BoolVarP(&all, "all", "a", false, "show all containers, not only running ones")
	fs.BoolVarP(&quiet, "quiet", "q", false, "print only the container IDs")
	fs.BoolVar(&noTrunc, "no-trunc", false, "do not truncate IDs and commands")
	fs.BoolVar(&noHeading, "noheading", false, "do not print the header line")
	fs.StringVar(&format, "format", "", "Go template or json")
	fs.StringArrayVarP(&filters, "filter", "f", nil, "filter: id, name, label, status, exited, ancestor, pod, network, volume, before, since (KEY=VALUE)")
	return cmd
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
