package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine"
)

// topCommand is `top CONTAINER [DESCRIPTORS...]`: the container's processes
// with Podman's descriptors (user, pid, ppid, pcpu, etime, tty, time, args
// by default), USER and GROUP named from the container's own files.
func (a *app) topCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:               "top CONTAINER [DESCRIPTOR...]",
		ValidArgsFunction: a.completeNames(listContainerNames, true),
		Short:             "Display the running processes of a container",
		Long: "Display the running processes of a container. Descriptors (comma- or space-separated):\n" +
			"args, comm, etime, group, hgroup, huser, nice, pcpu, pgid, pid, ppid, rgroup, ruser, rss,\n" +
			"state, stime, time, tty, user, vsz, or ps(1)'s AIX codes (%C %G %P %U %a %c %g %n %p %r %t %u %x %y %z).\n" +
			"Options for ps(1) instead (top CONTAINER -eo pid,comm) run the container's own ps with them.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := a.engine()
			if err != nil {
				return err
			}
			if psOptions(args[1:]) {
				code, err := eng.Exec(a.ctx(cmd), args[0], engine.ExecOptions{Args: append([]string{"ps"}, args[1:]...)},
					a.attachedStdio(false))
				if err == nil && code != 0 {
					err = fmt.Errorf("ps %s in container %s exited with %d (the image may have no ps(1))",
						strings.Join(args[1:], " "), args[0], code)
				}
				return err
			}
			header, rows, err := eng.Top(a.ctx(cmd), args[0], args[1:])
			if err != nil {
				return err
			}
			return a.printTop(header, rows)
		},
	}
	// what follows the container is top's: descriptors, or options for ps
	cmd.Flags().SetInterspersed(false)
	return outsideFirst(cmd)
}

// psOptions says whether top's arguments are options for ps(1) (-eo ...),
// which Podman hands to the container's ps, rather than descriptors.
func psOptions(args []string) bool {
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			return true
		}
	}
	return false
}

// printTop prints top's (or pod top's) header and rows as columns.
func (a *app) printTop(header []string, rows [][]string) error {
	w := tabwriter.NewWriter(a.out, 0, 8, 2, ' ', 0)
	fmt.Fprintln(w, strings.Join(header, "\t"))
	for _, r := range rows {
		fmt.Fprintln(w, strings.Join(r, "\t"))
	}
	return w.Flush()
}
