package main

import (
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine"
)

func (a *app) podLogsCommand() *cobra.Command {
	var o engine.PodLogOptions
	var since, until string
	cmd := &cobra.Command{
		Use:   "logs [flags] POD",
		Short: "Show the output of a pod's containers, interleaved, from the journal",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if o.Since, err = optionalTime("--since", since); err != nil {
				return err
			}
			if o.Until, err = optionalTime("--until", until); err != nil {
				return err
			}
			eng, err := a.engine()
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(a.ctx(cmd), os.Interrupt, syscall.SIGTERM) // -f ends on Ctrl-C
			defer stop()
			return eng.PodLogs(ctx, args[0], o, a.out, a.err)
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&o.Container, "container", "c", "", "only this container of the pod")
	fs.BoolVarP(&o.Follow, "follow", "f", false, "keep printing new output")
	fs.IntVar(&o.Tail, "tail", -1, "print only the last N lines (-1: all)")
	fs.StringVar(&since, "since", "", "only output since a time: RFC 3339, Unix seconds or a duration such as 10m")
	fs.BoolVarP(&o.Names, "names", "n", false, "prefix lines with container names instead of IDs")
	logTimeFlags(cmd, &o.LogOptions, &until)
	return outsideFirst(cmd)
}
