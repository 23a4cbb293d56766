package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine"
)

func (a *app) commitCommand() *cobra.Command {
	var o engine.CommitOptions
	var quiet bool
	var format string
	cmd := &cobra.Command{
		Use:               "commit [flags] CONTAINER [IMAGE]",
		ValidArgsFunction: a.completeNames(listContainerNames, true),
		Short:             "Create a new image from a container's changes",
		Args:              cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "oci" {
				return fmt.Errorf("--format %q: only oci is supported", format)
			}
			if len(args) == 2 {
				o.Name = args[1]
			}
			eng, err := a.engine()
			if err != nil {
				return err
			}
			id, err := eng.Commit(a.ctx(cmd), args[0], o)
			if err != nil {
				return err
			}
			_ = quiet // podunit prints no progress; -q is accepted as Podman's
			fmt.Fprintln(a.out, id)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.Author, "author", "a", "", "the image's author")
	f.StringVarP(&o.Message, "message", "m", "", "the commit message, kept in the image's history")
	stringArrayVarP(f, &o.Changes, "change", "c",
		"apply a Dockerfile instruction (INSTRUCTION VALUE or INSTRUCTION=VALUE): "+engine.ChangeInstructions)
	f.BoolVarP(&o.Pause, "pause", "p", false, "pause the container while committing")
	f.BoolVarP(&quiet, "quiet", "q", false, "print only the image ID (podunit prints nothing else anyway)")
	f.StringVarP(&format, "format", "f", "oci", "image format: oci")
	return cmd
}
