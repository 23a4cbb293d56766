package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/docker/go-units"
	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine/image"
	"github.com/podunit/podunit/engine/names"
)

// historyRow is one line of `image history`: Podman's template fields.
type historyRow struct {
	ID           string
	Created      string // "3 weeks ago" with --human, else the time stamp
	CreatedAt    string
	CreatedSince string
	CreatedBy    string
	Size         string
	Comment      string
	Tags         []string
}

// historyJSON is Podman's JSON form of a history entry.
type historyJSON struct {
	ID        string    `json:"id"`
	Created   time.Time `json:"created"`
	CreatedBy string    `json:"CreatedBy,omitempty"`
	Tags      []string  `json:"tags"`
	Size      int64     `json:"size"`
	Comment   string    `json:"comment,omitempty"`
	// CreatedAt is Podman's second "Created" key, to the second.
	CreatedAt string `json:"Created"`
}

func newHistoryRow(h image.HistoryEntry, human, noTrunc bool, now time.Time) historyRow {
	r := historyRow{ID: h.ID, CreatedAt: h.Created.Format(time.RFC3339), CreatedBy: h.CreatedBy, Comment: h.Comment,
		Tags: h.Tags, CreatedSince: units.HumanDuration(now.Sub(h.Created)) + " ago"}
	r.Created, r.Size = r.CreatedAt, fmt.Sprint(h.Size)
	if human {
		r.Created, r.Size = r.CreatedSince, units.HumanSizeWithPrecision(float64(h.Size), 3)
	}
	if !noTrunc {
		if h.ID != "<missing>" {
			r.ID = names.ShortID(h.ID)
		}
		if len(r.CreatedBy) > 45 {
			r.CreatedBy = r.CreatedBy[:42] + "..."
		}
	}
	return r
}

const historyFormat = "table {{.ID}}\t{{.Created}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}"

func (a *app) historyCommand() *cobra.Command {
	var format string
	var human, noTrunc, quiet bool
	cmd := &cobra.Command{
		Use:   "history [flags] IMAGE",
		Short: "Show the steps that made an image",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := a.engine()
			if err != nil {
				return err
			}
			list, err := eng.Images().History(a.ctx(cmd), args[0])
			if err != nil {
				return err
			}
			if format == "json" {
				out := []historyJSON{}
				for _, h := range list {
					out = append(out, historyJSON{ID: h.ID, Created: h.Created, CreatedBy: h.CreatedBy, Tags: h.Tags, Size: h.Size, Comment: h.Comment,
						CreatedAt: h.Created.UTC().Format(time.RFC3339)})
				}
				return writeJSON(a.out, out)
			}
			if format == "table" {
				format = "" // the default table
			}
			rows := []historyRow{}
			for _, h := range list {
				rows = append(rows, newHistoryRow(h, human, noTrunc, time.Now()))
			}
			return printList(a, listOutput{name: "history", format: format, defaultFormat: historyFormat, quiet: quiet,
				headers: map[string]string{"CreatedBy": "CREATED BY"}}, rows, func(r historyRow) string { return r.ID })
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&format, "format", "", "Go template or json")
	fs.BoolVarP(&human, "human", "H", true, "sizes and dates in human readable form")
	fs.BoolVar(&noTrunc, "no-trunc", false, "do not truncate IDs and commands")
	fs.BoolVarP(&quiet, "quiet", "q", false, "print only the IDs")
	return cmd
}

func (a *app) imageTreeCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "tree IMAGE",
		Short: "Show an image's layers as a tree",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := a.engine()
			if err != nil {
				return err
			}
			img, layers, err := eng.Images().Tree(a.ctx(cmd), args[0])
			if err != nil {
				return err
			}
			size := func(n int64) string { return units.HumanSizeWithPrecision(float64(n), 4) }
			fmt.Fprintf(a.out, "Image ID: %s\nTags:     [%s]\nSize:     %s\nImage Layers\n",
				names.ShortID(img.ID), strings.Join(img.Names, " "), size(img.Size))
			for i, l := range layers {
				branch := "├── "
				if i == len(layers)-1 {
					branch = "└── "
				}
				fmt.Fprintf(a.out, "%sID: %s Size: %s", branch, names.ShortID(l.ID), size(l.Size))
				if len(l.TopOf) > 0 {
					fmt.Fprintf(a.out, " Top Layer of: [%s]", strings.Join(l.TopOf, " "))
				}
				fmt.Fprintln(a.out)
			}
			return nil
		},
	}
}

func (a *app) imagePruneCommand() *cobra.Command {
	var all, force bool
	var filters []string
	cmd := &cobra.Command{
		Use:   "prune [flags]",
		Short: "Remove dangling images, or with -a every image no container uses",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			warning := "WARNING! This command removes all dangling images."
			if all {
				warning = "WARNING! This command removes all images without at least one container associated with them."
			}
			eng, err := a.engine()
			if err != nil {
				return err
			}
			match, err := imageFilter(a.ctx(cmd), eng, filters)
			if err != nil {
				return err
			}
			if ok, err := a.proceed(force, warning); !ok {
				return err
			}
			removed, err := eng.Images().Prune(a.ctx(cmd), all, match)
			for _, id := range removed {
				fmt.Fprintln(a.out, id)
			}
			return err
		},
	}
	fs := cmd.Flags()
	fs.BoolVarP(&all, "all", "a", false, "remove every image no container uses, not only dangling ones")
	fs.BoolVarP(&force, "force", "f", false, "do not ask for confirmation")
	stringArrayVar(fs, &filters, "filter", "only images matching: label, label!, until, reference, … (KEY=VALUE)")
	return cmd
}
