package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine"
)

// execDetached is exec -d: it prints the session's ID once the process
// runs, as Podman does.
func (a *app) execDetached(cmd *cobra.Command, eng *engine.Engine, ref string, o engine.ExecOptions) error {
	id, err := eng.ExecDetached(a.ctx(cmd), ref, o)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(a.out, id)
	return err
}

// inspectExecSession is an exec session as Podman's API inspects it
// (InspectExecSession); ExitCode is 0 while it runs and -1 when its waiter
// was killed before it ended.
type inspectExecSession struct {
	CanRemove     bool               `json:"CanRemove"`
	ContainerID   string             `json:"ContainerID"`
	DetachKeys    string             `json:"DetachKeys"`
	ExitCode      int                `json:"ExitCode"`
	ID            string             `json:"ID"`
	OpenStderr    bool               `json:"OpenStderr"`
	OpenStdin     bool               `json:"OpenStdin"`
	OpenStdout    bool               `json:"OpenStdout"`
	Running       bool               `json:"Running"`
	Pid           int                `json:"Pid"`
	ProcessConfig inspectExecProcess `json:"ProcessConfig"`
}

type inspectExecProcess struct {
	Arguments  []string `json:"arguments"`
	Entrypoint string   `json:"entrypoint"`
	Privileged bool     `json:"privileged"`
	Tty        bool     `json:"tty"`
	User       string   `json:"user"`
}

func newInspectExecSession(s *engine.ExecSession) inspectExecSession {
	p := inspectExecProcess{Arguments: []string{}, Tty: s.Tty, User: s.User}
	if len(s.Args) > 0 {
		p.Entrypoint, p.Arguments = s.Args[0], append(p.Arguments, s.Args[1:]...)
	}
	return inspectExecSession{CanRemove: !s.Running, ContainerID: s.ContainerID, DetachKeys: s.DetachKeys,
		ExitCode: s.ExitCode, ID: s.ID, OpenStderr: s.Tty, OpenStdin: s.Stdin, OpenStdout: s.Tty,
		Running: s.Running, Pid: s.Pid, ProcessConfig: p}
}

// execInspectCommand shows exec sessions of running containers: those of
// exec -d and of an exec -it that detached, with their exit codes once
// they end (a container keeps its last 32 ended ones until it stops).
func (a *app) execInspectCommand() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "exec-inspect [flags] SESSION [SESSION...]",
		Short: "Show exec sessions (exec -d, a detached exec -it): process, pid, running, exit code",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := a.engine()
			if err != nil {
				return err
			}
			var out []inspectExecSession
			for _, ref := range args {
				s, err := eng.ExecSession(ref)
				if err != nil {
					return err
				}
				out = append(out, newInspectExecSession(s))
			}
			if format != "" && format != "json" {
				return writeTable(a.out, "exec-inspect", format, inspectExecSession{}, nil, out, true)
			}
			return writeJSON(a.out, out)
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "", "a Go template for each session, or json")
	return cmd
}
