package main

import (
	"strings"

	"github.com/spf13/cobra"
)

// The whole command tree costs about 4000 allocations and 2 ms to build
// (BenchmarkRootCommand), paid by every command. For the verbs that units,
// timers and scripts run most, podunit builds only the branch the command
// line names; anything else (help, completion, aliases, unknown verbs) gets
// the whole tree, so the fast path changes nothing a user can see
// (TestFastPathMatchesTree).

// fastVerbs maps the first words of a command line to the constructor of
// that command, and the group it sits in ("" for the root).
func (a *app) fastVerbs() map[string]func() *cobra.Command {
	direct := map[string]func() *cobra.Command{
		"run": a.runCommand, "create": a.createCommand, "start": a.startCommand,
		"stop": a.stopCommand, "kill": a.killCommand, "rm": a.rmCommand, "ps": a.psCommand,
		"inspect": a.inspectCommand, "wait": a.waitCommand, "exec": a.execCommand,
		"logs": a.logsCommand,
	}
	m := map[string]func() *cobra.Command{}
	for verb, mk := range direct {
		m[verb] = mk
		if verb != "ps" { // `container ps` is built with its list alias twin
			m["container "+verb] = mk
		}
	}
	m["container unit-start"] = a.unitStartCommand
	m["container unit-stop"] = a.unitStopCommand
	m["container cleanup"] = a.cleanupCommand
	return m
}

// fastGroups are small command groups built whole for their fast verbs:
// `healthcheck run` runs at every tick of a health timer; pods' verbs are
// what pod units and scripts run; `volume create` and `network create`
// are the ExecStart= of .volume and .network units at every boot.
func (a *app) fastGroups() map[string]func() *cobra.Command {
	return map[string]func() *cobra.Command{"healthcheck": a.healthcheckCommand, "pod": a.podGroup,
		"volume": a.volumeCommand, "network": a.networkCommand}
}

// podGroup is the pod command group with every verb.
func (a *app) podGroup() *cobra.Command {
	pod := a.podCommand()
	pod.AddCommand(a.podPruneCommand(), a.podLogsCommand())
	return pod
}

// fastRootFor is the root with only the branch args name when that is a
// fast verb, else nil.
func (a *app) fastRootFor(args []string) *cobra.Command {
	path, ok := verbPath(args)
	if !ok {
		return nil
	}
	if mk := a.fastGroups()[path[0]]; mk != nil {
		root := a.bareRoot()
		root.AddCommand(mk())
		requireSubcommands(root)
		return root
	}
	verbs := a.fastVerbs()
	mk, group := verbs[path[0]], ""
	if len(path) > 1 && verbs[path[0]+" "+path[1]] != nil {
		mk, group = verbs[path[0]+" "+path[1]], path[0]
	}
	if mk == nil {
		return nil
	}
	root := a.bareRoot()
	if group == "" {
		root.AddCommand(mk())
	} else {
		g := containerGroup() // the only group of fastVerbs
		g.AddCommand(mk())
		root.AddCommand(g)
	}
	requireSubcommands(root)
	return root
}

// rootValueFlags are the root's flags that take a value as the next word.
var rootValueFlags = map[string]bool{
	"--root": true, "--runroot": true, "--storage-driver": true, "--storage-opt": true,
	"--runtime": true, "--log-level": true, "--module": true, "--lock-timeout": true,
}

// verbPath is the first two words of args that are not root flags or their
// values; ok is false where the line holds a flag the fast path does not
// know (such as --help), which the whole tree must handle.
func verbPath(args []string) ([]string, bool) {
	var path []string
	for i := 0; i < len(args) && len(path) < 2; i++ {
		arg := args[i]
		switch {
		case len(path) == 0 && rootValueFlags[arg]:
			i++
		case len(path) == 0 && strings.HasPrefix(arg, "--") && rootValueFlags[strings.SplitN(arg, "=", 2)[0]]:
		case strings.HasPrefix(arg, "-"):
			if len(path) == 0 {
				return nil, false
			}
			return path, true // the verb's own flags follow
		default:
			path = append(path, arg)
		}
	}
	return path, len(path) > 0
}
