package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/errdefs"
)

func (a *app) cpCommand() *cobra.Command {
	o := engine.CopyOptions{Archive: true}
	cmd := &cobra.Command{
		Use:   "cp [flags] SRC_PATH DEST_PATH",
		Short: "Copy files/folders between a container and the local filesystem",
		Long: "Copy files/folders between a container and the local filesystem. A container's\n" +
			"path is CONTAINER:PATH; - as SRC_PATH reads a tar stream from standard input and\n" +
			"extracts it into the directory DEST_PATH, - as DEST_PATH writes SRC_PATH as a tar\n" +
			"stream to standard output. A path ending in /. copies a directory's contents.",
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			src, dst := copyTarget(args[0]), copyTarget(args[1])
			if src.Container == "" && dst.Container == "" {
				return fmt.Errorf("invalid arguments %s, %s: one of them must be CONTAINER:PATH: %w",
					args[0], args[1], errdefs.ErrInvalidArgument)
			}
			eng, err := a.engine()
			if err != nil {
				return err
			}
			switch {
			case args[0] == "-":
				return eng.CopyIn(a.ctx(cmd), a.in, dst, o)
			case args[1] == "-":
				return eng.CopyOut(a.ctx(cmd), src, a.out)
			}
			return eng.Copy(a.ctx(cmd), src, dst, o)
		},
	}
	cmd.Flags().BoolVarP(&o.Archive, "archive", "a", true, "chown what is copied into a container to its primary user and group")
	cmd.Flags().BoolVar(&o.Overwrite, "overwrite", false, "allow directories to replace files and the other way round")
	return outsideFirst(cmd)
}

// copyTarget splits CONTAINER:PATH; an argument whose part before the first
// colon is empty or holds a slash is a host path, as with Podman.
func copyTarget(arg string) engine.CopyTarget {
	ctr, path, ok := strings.Cut(arg, ":")
	if !ok || ctr == "" || strings.Contains(ctr, "/") {
		return engine.CopyTarget{Path: arg}
	}
	return engine.CopyTarget{Container: ctr, Path: path}
}
