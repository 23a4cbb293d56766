package main

import (
	"context"
	"fmt"
	"os"
	"time"

	units "github.com/docker/go-units"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/names"
)

// statsOptions are stats' flags.
type statsOptions struct {
	all, noStream, noReset bool
	noTrunc                bool // full IDs (stats only; pod stats has none)
	format                 string
	interval               int
}

func (a *app) statsCommand() *cobra.Command {
	var o statsOptions
	cmd := &cobra.Command{
		Use:               "stats [flags] [CONTAINER...]",
		ValidArgsFunction: a.completeNames(listContainerNames, false),
		Short:             "Display a live stream of container resource usage statistics, read from their cgroups",
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.interval < 1 {
				return fmt.Errorf("--interval %d: must be at least 1 second", o.interval)
			}
			eng, err := a.engine()
			if err != nil {
				return err
			}
			prev := map[string]engine.ContainerStats{}
			return stream(a.ctx(cmd), o, func() error {
				stats, err := eng.Stats(a.ctx(cmd), args, o.all)
				if err != nil {
					return err
				}
				rows := statsRows(stats, prev)
				for i := range rows {
					if o.noTrunc {
						rows[i].ID = rows[i].ContainerID
					}
				}
				return a.printStats(o, rows)
			})
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.all, "all", "a", false, "show all containers, not only running ones")
	f.BoolVar(&o.noStream, "no-stream", false, "print the first result only")
	f.BoolVar(&o.noReset, "no-reset", false, "do not clear the terminal between intervals")
	f.StringVar(&o.format, "format", "", "output format: json, or a Go template")
	f.IntVarP(&o.interval, "interval", "i", 5, "seconds between intervals")
	f.BoolVar(&o.noTrunc, "no-trunc", false, "show full container IDs")
	return cmd
}

// statsRow is one line of stats, with Podman's template fields.
type statsRow struct {
	ID, ContainerID, Name                             string
	CPUPerc, AVGCPU, CPUTime, MemUsage, MemUsageBytes string
	MemPerc, NetIO, BlockIO, PIDS, PIDs               string
	CPU, AvgCPU, Mem                                  float64
	CPUNano, CPUSystemNano, Duration, MemLimit        uint64
	BlockInput, BlockOutput                           uint64
}

// statsJSON is a row in `podman stats --format json`'s shape.
type statsJSON struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	CPUTime    string `json:"cpu_time"`
	CPUPercent string `json:"cpu_percent"`
	AvgCPU     string `json:"avg_cpu"`
	MemUsage   string `json:"mem_usage"`
	MemPercent string `json:"mem_percent"`
	NetIO      string `json:"net_io"`
	BlockIO    string `json:"block_io"`
	PIDs       string `json:"pids"`
}

const statsDefaultFormat = "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDS}}\t{{.CPUTime}}\t{{.AVGCPU}}"

var statsHeaders = map[string]string{"ID": "ID", "Name": "NAME", "CPUPerc": "CPU %", "MemUsage": "MEM USAGE / LIMIT",
	"MemPerc": "MEM %", "NetIO": "NET IO", "BlockIO": "BLOCK IO", "PIDS": "PIDS", "CPUTime": "CPU TIME", "AVGCPU": "AVG CPU %"}

// stream takes one sample, or with streaming one every interval until ctx ends.
func stream(ctx context.Context, o statsOptions, sample func() error) error {
	for {
		if err := sample(); err != nil || o.noStream {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(time.Duration(o.interval) * time.Second):
		}
	}
}

// clearForStream clears a terminal before each sample of a stream.
func (a *app) clearForStream(o statsOptions) {
	if !o.noStream && !o.noReset {
		if f, ok := a.out.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			fmt.Fprint(a.out, "\x1b[2J\x1b[H")
		}
	}
}

func (a *app) printStats(o statsOptions, rows []statsRow) error {
	a.clearForStream(o)
	if o.format == "json" {
		out := make([]statsJSON, 0, len(rows))
		for _, r := range rows {
			out = append(out, statsJSON{ID: r.ID, Name: r.Name, CPUTime: r.CPUTime, CPUPercent: r.CPUPerc,
				AvgCPU: r.AVGCPU, MemUsage: r.MemUsage, MemPercent: r.MemPerc, NetIO: r.NetIO, BlockIO: r.BlockIO, PIDs: r.PIDS})
		}
		return writeJSON(a.out, out)
	}
	format := o.format
	if format == "" {
		format = statsDefaultFormat
	}
	return writeTable(a.out, "stats", format, statsRow{}, statsHeaders, rows, false)
}

// statsRows formats the counters. CPU % is over the time since the
// previous read (prev, updated), else since the container started, as
// Podman's first sample is.
func statsRows(stats []engine.ContainerStats, prev map[string]engine.ContainerStats) []statsRow {
	rows := make([]statsRow, 0, len(stats))
	for _, s := range stats {
		c := s.Container
		r := statsRow{ID: names.ShortID(c.ID), ContainerID: c.ID, Name: c.Name}
		if !s.Running {
			r.CPUPerc, r.AVGCPU, r.CPUTime, r.MemUsage, r.MemUsageBytes = "--", "--", "--", "-- / --", "-- / --"
			r.MemPerc, r.NetIO, r.BlockIO, r.PIDS, r.PIDs = "--", "-- / --", "-- / --", "--", "--"
			rows = append(rows, r)
			continue
		}
		r.CPU, r.AvgCPU = cpuPercent(s, prev[c.ID]), percent(float64(s.CPUNanos), float64(s.Up.Nanoseconds()))
		prev[c.ID] = s
		r.CPUNano, r.CPUSystemNano, r.Duration, r.MemLimit = s.CPUNanos, s.SystemNanos, s.CPUNanos, s.MemLimit
		r.Mem = percent(float64(s.MemUsage), float64(s.MemLimit))
		r.BlockInput, r.BlockOutput = s.BlockRead, s.BlockWrite
		r.CPUPerc, r.AVGCPU = fmt.Sprintf("%.2f%%", r.CPU), fmt.Sprintf("%.2f%%", r.AvgCPU)
		r.CPUTime = (time.Duration(s.CPUNanos) * time.Nanosecond).Round(time.Microsecond).String()
		r.MemUsage = pair(s.MemUsage, s.MemLimit, true)
		r.MemUsageBytes = units.BytesSize(float64(s.MemUsage)) + " / " + units.BytesSize(float64(s.MemLimit))
		r.MemPerc = fmt.Sprintf("%.2f%%", r.Mem)
		r.NetIO, r.BlockIO = pair(s.NetRx, s.NetTx, s.HasNet), pair(s.BlockRead, s.BlockWrite, s.HasBlock)
		r.PIDS = fmt.Sprint(s.PIDs)
		r.PIDs = r.PIDS
		rows = append(rows, r)
	}
	return rows
}

// cpuPercent is the CPU used between two reads, as a share of one CPU.
func cpuPercent(now, before engine.ContainerStats) float64 {
	if !before.Running || before.Up >= now.Up || before.CPUNanos > now.CPUNanos {
		return percent(float64(now.CPUNanos), float64(now.Up.Nanoseconds()))
	}
	return percent(float64(now.CPUNanos-before.CPUNanos), float64((now.Up - before.Up).Nanoseconds()))
}

func percent(part, whole float64) float64 {
	if whole <= 0 {
		return 0
	}
	return 100 * part / whole
}

// pair prints "A / B" in Podman's sizes ("3.092MB"), or "-- / --".
func pair(x, y uint64, ok bool) string {
	if !ok {
		return "-- / --"
	}
	return units.HumanSizeWithPrecision(float64(x), 3) + " / " + units.HumanSizeWithPrecision(float64(y), 3)
}
