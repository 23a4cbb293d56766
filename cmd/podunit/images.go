package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/docker/go-units"
	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/image"
	"github.com/podunit/podunit/engine/names"
)

func (a *app) imageCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "image", Short: "Manage images"}
	ls := a.imagesCommand()
	ls.Use, ls.Aliases = "list", []string{"ls"}
	rm := a.rmiCommand()
	rm.Use, rm.Aliases = "rm [flags] IMAGE [IMAGE...]", nil
	cmd.AddCommand(ls, rm, a.imageInspectCommand(), a.tagCommand(), a.importCommand(), a.loadCommand(),
		a.imageExistsCommand())
	return cmd
}

// imageRow is one line of `images`.
type imageRow struct {
	Repository   string
	Tag          string
	ID           string `json:"Id"`
	Digest       string
	CreatedSince string
	CreatedAt    string
	Size         string
	Names        []string
	bytes        int64
}

func imageRows(list []image.Summary, noTrunc bool, now time.Time) []imageRow {
	rows := []imageRow{}
	for _, s := range list {
		id := s.ID
		if !noTrunc {
			id = names.ShortID(id)
		}
		base := imageRow{ID: id, Digest: s.Digest, CreatedSince: units.HumanDuration(now.Sub(s.Created)) + " ago",
			CreatedAt: s.Created.Format(time.RFC3339), Size: units.HumanSizeWithPrecision(float64(s.Size), 3),
			Names: s.Names, bytes: s.Size}
		if len(s.Names) == 0 {
			base.Repository, base.Tag = "<none>", "<none>"
			rows = append(rows, base)
		}
		for _, n := range s.Names {
			r := base
			r.Repository, r.Tag = splitRef(n)
			rows = append(rows, r)
		}
	}
	return rows
}

// splitRef cuts "host/repo:tag" into repository and tag.
func splitRef(ref string) (string, string) {
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		return ref[:i], ref[i+1:]
	}
	return ref, "<none>"
}

const imagesDefaultFormat = "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}"

func (a *app) imagesCommand() *cobra.Command {
	var format string
	var quiet, noTrunc, noHeading bool
	var filters []string
	var more imagesExtra
	cmd := &cobra.Command{
		Use:   "images [flags]",
		Short: "List images in local storage",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := more.check(); err != nil {
				return err
			}
			eng, err := a.engine()
			if err != nil {
				return err
			}
			list, err := eng.Images().List(a.ctx(cmd))
			if err != nil {
				return err
			}
			if list, err = filterImages(a.ctx(cmd), eng, list, filters); err != nil {
				return err
			}
			rows := imageRows(list, noTrunc, time.Now())
			more.apply(rows)
			switch {
			case quiet:
				for _, s := range list {
					fmt.Fprintln(a.out, names.ShortID(s.ID))
				}
				return nil
			case format == "json":
				js, err := imageJSONs(a.ctx(cmd), eng, list)
				if err != nil {
					return err
				}
				return writeJSON(a.out, js)
			case format == "":
				format = more.format()
			}
			return writeTable(a.out, "images", format, imageRow{},
				map[string]string{"ID": "IMAGE ID", "CreatedSince": "CREATED"}, rows, noHeading)
		},
	}
	cmd.Flags().StringVar(&format, "format", "", "Go template or json")
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "print only image IDs")
	cmd.Flags().BoolVar(&noTrunc, "no-trunc", false, "do not truncate IDs")
	cmd.Flags().BoolVarP(&noHeading, "noheading", "n", false, "do not print the header line")
	more.register(cmd.Flags())
	stringArrayVarP(cmd.Flags(), &filters, "filter", "f", "filter: reference, label, dangling, id, before, since, until, containers, digest, intermediate, readonly (KEY=VALUE)")
	return cmd
}

func (a *app) imageInspectCommand() *cobra.Command {
	return a.inspectVerb("inspect [flags] IMAGE [IMAGE...]", "Show images as JSON",
		func(cmd *cobra.Command, ref string) (any, error) {
			return a.eng.Images().Inspect(a.ctx(cmd), ref)
		})
}

func (a *app) rmiCommand() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "rmi [flags] IMAGE [IMAGE...]",
		Short: "Remove images (or one of their names)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := a.engine()
			if err != nil {
				return err
			}
			return a.removeEach(args, func(ref string) error {
				return eng.Images().Remove(a.ctx(cmd), ref, force)
			})
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "remove the image even if containers use it")
	return cmd
}

func (a *app) tagCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "tag IMAGE TARGET_NAME [TARGET_NAME...]",
		Short: "Give an image more names",
		Args:  cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := a.engine()
			if err != nil {
				return err
			}
			for _, name := range args[1:] {
				if err := eng.Images().Tag(a.ctx(cmd), args[0], name); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

func (a *app) importCommand() *cobra.Command {
	var changes []string
	cmd := &cobra.Command{
		Use:   "import [flags] ROOTFS.tar [NAME[:TAG]]",
		Short: "Make an image from a root filesystem tarball",
		Args:  cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := a.engine()
			if err != nil {
				return err
			}
			o := engine.ImportOptions{Changes: changes}
			if len(args) == 2 {
				o.Name = args[1]
			}
			id, err := eng.Import(a.ctx(cmd), args[0], o)
			if err != nil {
				return err
			}
			fmt.Fprintln(a.out, id)
			return nil
		},
	}
	stringArrayVarP(cmd.Flags(), &changes, "change", "c",
		"apply a Dockerfile instruction (INSTRUCTION VALUE or INSTRUCTION=VALUE): "+engine.ChangeInstructions)
	return cmd
}

func (a *app) loadCommand() *cobra.Command {
	var input string
	var quiet bool
	cmd := &cobra.Command{
		Use:   "load -i FILE",
		Short: "Load images from a docker-archive or oci-archive file",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if input == "" {
				return fmt.Errorf("load needs an archive: -i FILE")
			}
			eng, err := a.engine()
			if err != nil {
				return err
			}
			progress := a.err
			if quiet {
				progress = nil
			}
			loaded, err := eng.Images().Load(a.ctx(cmd), input, progress)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.out, "Loaded image: %s\n", strings.Join(loaded, "\nLoaded image: "))
			return nil
		},
	}
	cmd.Flags().StringVarP(&input, "input", "i", "", "the archive to load")
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "print no progress")
	return cmd
}

func (a *app) imageExistsCommand() *cobra.Command {
	return a.existsVerb("image", func(cmd *cobra.Command, eng *engine.Engine, ref string) error {
		_, err := eng.Images().Resolve(a.ctx(cmd), ref)
		return err
	})
}
