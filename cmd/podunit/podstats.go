package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/names"
)

// podStatsRow is one member's line of `pod stats`, with the fields (and, as
// the JSON keys, the names) of Podman's PodStatsReport.
type podStatsRow struct {
	CPU, MemUsage, MemUsageBytes, Mem, NetIO, BlockIO, PIDS string
	Pod, CID, Name                                          string
}

const podStatsDefaultFormat = "table {{.Pod}}\t{{.CID}}\t{{.Name}}\t{{.CPU}}\t{{.MemUsage}}\t{{.Mem}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDS}}"

var podStatsHeaders = map[string]string{"Pod": "POD", "CID": "CID", "Name": "NAME", "CPU": "CPU %",
	"MemUsage": "MEM USAGE/ LIMIT", "Mem": "MEM %", "NetIO": "NET IO", "BlockIO": "BLOCK IO", "PIDS": "PIDS"}

func (a *app) podStatsCommand() *cobra.Command {
	var o statsOptions
	cmd := &cobra.Command{
		Use:               "stats [flags] [POD...]",
		ValidArgsFunction: a.completeNames(listPodNames, false),
		Short:             "Display resource usage of pods' members, read from their cgroups",
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := a.engine()
			if err != nil {
				return err
			}
			prev := map[string]engine.ContainerStats{}
			return stream(a.ctx(cmd), o, func() error {
				rows, err := podStats(a.ctx(cmd), eng, args, prev)
				if err != nil {
					return err
				}
				return a.printPodStats(o, rows)
			})
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.all, "all", "a", false, "show every pod (the default without POD)")
	f.BoolVar(&o.noStream, "no-stream", false, "print the first result only")
	f.BoolVar(&o.noReset, "no-reset", false, "do not clear the terminal between intervals")
	f.StringVar(&o.format, "format", "", "output format: json, or a Go template")
	o.interval = 5
	return cmd
}

// podStats reads the members of the pods refs (every pod without refs),
// pod by pod: the running ones from their cgroups, the others as "--".
func podStats(ctx context.Context, eng *engine.Engine, refs []string, prev map[string]engine.ContainerStats) ([]podStatsRow, error) {
	pods, err := podsOf(ctx, eng, refs)
	if err != nil {
		return nil, err
	}
	rows := []podStatsRow{}
	for _, p := range pods {
		members, err := eng.PodContainers(ctx, p)
		if err != nil {
			return nil, err
		}
		var ids []string
		for _, c := range members {
			if c.State.Status == model.Running || c.State.Status == model.Paused {
				ids = append(ids, c.ID)
			}
		}
		byName := map[string]podStatsRow{}
		if len(ids) > 0 {
			stats, err := eng.Stats(ctx, ids, false)
			if err != nil {
				return nil, err
			}
			for _, r := range statsRows(stats, prev) {
				byName[r.Name] = podStatsRow{CPU: r.CPUPerc, MemUsage: r.MemUsage, MemUsageBytes: r.MemUsageBytes,
					Mem: r.MemPerc, NetIO: r.NetIO, BlockIO: r.BlockIO, PIDS: r.PIDS,
					Pod: names.ShortID(p.ID), CID: r.ID, Name: r.Name}
			}
		}
		for _, c := range members {
			r, ok := byName[c.Name]
			if !ok { // not running, or it stopped meanwhile: Podman's "--" row
				r = noStatsRow(names.ShortID(p.ID), names.ShortID(c.ID), c.Name)
			}
			rows = append(rows, r)
		}
	}
	return rows, nil
}

// noStatsRow is a pod member without a cgroup to read, as Podman shows one.
func noStatsRow(pod, cid, name string) podStatsRow {
	return podStatsRow{CPU: "--", MemUsage: "-- / --", MemUsageBytes: "-- / --", Mem: "--", NetIO: "-- / --",
		BlockIO: "-- / --", PIDS: "--", Pod: pod, CID: cid, Name: name}
}

// podsOf resolves refs to pods, or lists every pod without refs.
func podsOf(ctx context.Context, eng *engine.Engine, refs []string) ([]*model.Pod, error) {
	if len(refs) == 0 {
		return eng.Pods(ctx)
	}
	pods := make([]*model.Pod, 0, len(refs))
	for _, ref := range refs {
		p, err := eng.Pod(ctx, ref)
		if err != nil {
			return nil, err
		}
		pods = append(pods, p)
	}
	return pods, nil
}

func (a *app) printPodStats(o statsOptions, rows []podStatsRow) error {
	a.clearForStream(o)
	if o.format == "json" {
		return writeJSON(a.out, rows)
	}
	format := o.format
	if format == "" {
		format = podStatsDefaultFormat
	}
	return writeTable(a.out, "pod stats", format, podStatsRow{}, podStatsHeaders, rows, false)
}

// podFreezeCommand builds pod pause and pod unpause: every running (or
// paused) member of each pod, then the pod's ID printed, as Podman does.
func (a *app) podFreezeCommand(verb, short string, from model.Status,
	fn func(*engine.Engine, context.Context, string) (*model.Container, error)) *cobra.Command {
	return &cobra.Command{
		Use:               verb + " POD [POD...]",
		ValidArgsFunction: a.completeNames(listPodNames, false),
		Short:             short,
		Args:              cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := a.engine()
			if err != nil {
				return err
			}
			return a.forEachPrint(args, func(ref string) (string, error) {
				p, err := eng.Pod(a.ctx(cmd), ref)
				if err != nil {
					return "", err
				}
				members, err := eng.PodContainers(a.ctx(cmd), p)
				if err != nil {
					return "", err
				}
				for _, c := range members {
					if c, err = eng.Container(a.ctx(cmd), c.ID); err != nil || c.State.Status != from {
						continue // paused is no stored status: read it now
					}
					if _, err := fn(eng, a.ctx(cmd), c.ID); err != nil {
						return "", fmt.Errorf("pod %q: member %q: %w", p.Name, c.Name, err)
					}
				}
				return p.ID, nil
			})
		},
	}
}

func (a *app) podPauseCommand() *cobra.Command {
	return a.podFreezeCommand("pause", "Pause every running member of pods", model.Running, (*engine.Engine).Pause)
}

func (a *app) podUnpauseCommand() *cobra.Command {
	return a.podFreezeCommand("unpause", "Unpause every paused member of pods", model.Paused, (*engine.Engine).Unpause)
}
