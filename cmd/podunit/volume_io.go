package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/podunit/podunit/engine/errdefs"
)

// volumeExportCommand is `volume export [-o FILE] VOLUME`: podman-volume-export(1).
func (a *app) volumeExportCommand() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "export [flags] VOLUME",
		Short: "Write a volume's content as a tar archive (to stdout, or -o FILE)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := a.engine()
			if err != nil {
				return err
			}
			w := a.out
			if output == "" && isTerminal(a.out) {
				return fmt.Errorf("refusing to write a tar archive to a terminal: use -o FILE or redirect: %w", errdefs.ErrInvalidArgument)
			}
			if output != "" {
				f, err := os.Create(output)
				if err != nil {
					return fmt.Errorf("volume export: %w", err)
				}
				defer f.Close()
				w = f
			}
			return eng.VolumeExport(a.ctx(cmd), args[0], w)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to FILE instead of stdout")
	return cmd
}

// volumeImportCommand is `volume import VOLUME SOURCE`: SOURCE is a tar
// archive, or - for stdin (podman-volume-import(1)).
func (a *app) volumeImportCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "import VOLUME SOURCE",
		Short: "Unpack a tar archive (a file, or - for stdin) into a volume",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := a.engine()
			if err != nil {
				return err
			}
			var r io.Reader = a.in
			if args[1] != "-" {
				f, err := os.Open(args[1])
				if err != nil {
					return fmt.Errorf("volume import: %w: %w", errdefs.ErrNotFound, err)
				}
				defer f.Close()
				r = f
			}
			return eng.VolumeImport(a.ctx(cmd), args[0], r)
		},
	}
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
