package main

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/docker/go-units"
	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/names"
)

// The rows of `system df -v`'s three tables, with Podman 4.3.1's columns.
type (
	dfImageRow struct {
		Repository, Tag, ImageID, Created, Size, SharedSize, UniqueSize string
		Containers                                                      int
	}
	dfContainerRow struct {
		ContainerID, Image, Command string
		LocalVolumes                int
		Size, Created, Status       string
		Names                       string
	}
	dfVolumeRow struct {
		VolumeName string
		Links      int
		Size       string
	}
)

// printDfVerbose prints `system df -v`: images (one row per name, as
// Podman), containers and local volumes, each table under its title.
func (a *app) printDfVerbose(d *engine.DiskUsageDetail) error {
	now := time.Now()
	var imgs []dfImageRow
	for _, i := range d.Images {
		imgs = append(imgs, dfImageRows(i, now)...)
	}
	slices.SortStableFunc(imgs, func(x, y dfImageRow) int {
		return cmp.Or(strings.Compare(x.Repository, y.Repository), strings.Compare(x.Tag, y.Tag))
	})
	var ctrs []dfContainerRow
	for _, c := range d.Containers {
		ctrs = append(ctrs, dfContainerRow{ContainerID: names.ShortID(c.ID), Image: names.ShortID(c.ImageID),
			Command: strings.Join(c.Config.Args(), " "), LocalVolumes: c.LocalVolumes, Size: humanSize(c.Size),
			Created: units.HumanDuration(now.Sub(c.Created)), Status: string(c.State.Status), Names: c.Name})
	}
	var vols []dfVolumeRow
	for _, v := range d.Volumes {
		vols = append(vols, dfVolumeRow{VolumeName: v.Name, Links: v.Links, Size: humanSize(v.Size)})
	}
	for _, t := range []struct {
		title, format string
		zero, rows    any
	}{
		{"Images space usage:", "table {{.Repository}}\t{{.Tag}}\t{{.ImageID}}\t{{.Created}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}", dfImageRow{}, imgs},
		{"\nContainers space usage:", "table {{.ContainerID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.Size}}\t{{.Created}}\t{{.Status}}\t{{.Names}}", dfContainerRow{}, ctrs},
		{"\nLocal Volumes space usage:", "table {{.VolumeName}}\t{{.Links}}\t{{.Size}}", dfVolumeRow{}, vols},
	} {
		fmt.Fprintf(a.out, "%s\n\n", t.title)
		if err := writeTable(a.out, "system df", t.format, t.zero, nil, t.rows, false); err != nil {
			return err
		}
	}
	return nil
}

// dfImageRows is an image's rows: one per name, or one <none> row.
func dfImageRows(i engine.ImageUsage, now time.Time) []dfImageRow {
	refs := i.Names
	if len(refs) == 0 {
		refs = []string{"<none>:<none>"}
	}
	var rows []dfImageRow
	for _, ref := range refs {
		repo, tag := splitRef(ref)
		rows = append(rows, dfImageRow{Repository: repo, Tag: tag, ImageID: names.ShortID(i.ID),
			Created: units.HumanDuration(now.Sub(i.Created)), Size: humanSize(i.Size),
			SharedSize: humanSize(i.SharedSize), UniqueSize: humanSize(i.Size - i.SharedSize), Containers: i.Containers})
	}
	return rows
}

func humanSize(n int64) string { return units.HumanSize(float64(n)) }

// systemDfVerbose is `system df -v`; as in Podman, --format does not go
// with it.
func (a *app) systemDfVerbose(cmd *cobra.Command, format string) error {
	if format != "" {
		return fmt.Errorf("cannot combine --format and --verbose: %w", errdefs.ErrInvalidArgument)
	}
	eng, err := a.engine()
	if err != nil {
		return err
	}
	d, err := eng.DiskUsageDetail(a.ctx(cmd))
	if err != nil {
		return err
	}
	return a.printDfVerbose(d)
}
