package main

import (
	"context"
	"strings"

	"github.com/spf13/cobra"
)

// nameSource lists the names of one kind of object for shell completion.
type nameSource func(a *app, ctx context.Context) ([]string, error)

// completionRules says which names complete the arguments of a command,
// keyed by its path without "podunit ". A rule with first set completes
// only the first argument (exec CONTAINER COMMAND, tag IMAGE TARGET).
var completionRules = map[string]struct {
	src   nameSource
	first bool
}{
	"start": {src: listContainerNames}, "stop": {src: listContainerNames}, "kill": {src: listContainerNames},
	"restart": {src: listContainerNames}, "rm": {src: listContainerNames}, "wait": {src: listContainerNames},
	"inspect": {src: listContainerNames}, "logs": {src: listContainerNames, first: true},
	"exec": {src: listContainerNames, first: true}, "container exists": {src: listContainerNames, first: true},
	"run": {src: listImageNames, first: true}, "create": {src: listImageNames, first: true},
	"rmi": {src: listImageNames}, "tag": {src: listImageNames, first: true}, "push": {src: listImageNames, first: true},
	"save": {src: listImageNames}, "image rm": {src: listImageNames}, "image inspect": {src: listImageNames},
	"image tag": {src: listImageNames, first: true}, "image exists": {src: listImageNames, first: true},
	"volume rm": {src: listVolumeNames}, "volume inspect": {src: listVolumeNames},
	"volume exists": {src: listVolumeNames, first: true},
	"pod exists":    {src: listPodNames, first: true}, "pod top": {src: listPodNames, first: true},
	"generate systemd": {src: listUnitObjectNames, first: true},
}

// podVerbs are the `pod` subcommands that take pod names.
var podVerbs = map[string]bool{"init": true, "start": true, "stop": true, "restart": true,
	"kill": true, "rm": true, "inspect": true}

// addSupportCommands adds the hidden `internal` command (man pages, only in
// bin/podunit-man: man.go) and the completions; cobra adds `completion` and
// `__complete` itself.
func (a *app) addSupportCommands(root *cobra.Command) {
	a.addInternal(root)
	a.setCompletions(root)
}

// setCompletions walks the command tree and gives every command that takes
// object names a ValidArgsFunction; cobra adds the `completion` command.
func (a *app) setCompletions(root *cobra.Command) {
	var walk func(cmd *cobra.Command)
	walk = func(cmd *cobra.Command) {
		for _, sub := range cmd.Commands() {
			walk(sub)
		}
		if cmd.ValidArgsFunction != nil || cmd.Hidden {
			return
		}
		path := strings.TrimPrefix(strings.TrimPrefix(cmd.CommandPath(), root.Name()), " ")
		rule, ok := completionRules[path]
		if !ok { // container verbs complete as their top-level twins
			rule, ok = completionRules[strings.TrimPrefix(path, "container ")]
		}
		if parent, verb, _ := strings.Cut(path, " "); parent == "pod" && podVerbs[verb] {
			rule.src, ok = listPodNames, true
		}
		if ok {
			cmd.ValidArgsFunction = a.completeNames(rule.src, rule.first)
		}
	}
	walk(root)
}

// completeNames completes the names src lists that start with what is typed,
// leaving out those already given. Any error (no engine, no permission)
// means no candidates.
func (a *app) completeNames(src nameSource, first bool) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if first && len(args) > 0 {
			return nil, cobra.ShellCompDirectiveDefault
		}
		all, err := src(a, a.ctx(cmd))
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		given := map[string]bool{}
		for _, s := range args {
			given[s] = true
		}
		var out []string
		for _, n := range all {
			if strings.HasPrefix(n, toComplete) && !given[n] {
				out = append(out, n)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

func listContainerNames(a *app, ctx context.Context) ([]string, error) {
	eng, err := a.engine()
	if err != nil {
		return nil, err
	}
	cs, err := eng.Containers(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out, nil
}

func listPodNames(a *app, ctx context.Context) ([]string, error) {
	eng, err := a.engine()
	if err != nil {
		return nil, err
	}
	ps, err := eng.Pods(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.Name)
	}
	return out, nil
}

func listImageNames(a *app, ctx context.Context) ([]string, error) {
	eng, err := a.engine()
	if err != nil {
		return nil, err
	}
	imgs, err := eng.Images().List(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, img := range imgs {
		out = append(out, img.Names...)
	}
	return out, nil
}

func listVolumeNames(a *app, ctx context.Context) ([]string, error) {
	eng, err := a.engine()
	if err != nil {
		return nil, err
	}
	vs, err := eng.Volumes(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		out = append(out, v.Name)
	}
	return out, nil
}

// listUnitObjectNames are what `generate systemd` takes: pods and containers.
func listUnitObjectNames(a *app, ctx context.Context) ([]string, error) {
	pods, err := listPodNames(a, ctx)
	if err != nil {
		return nil, err
	}
	cs, err := listContainerNames(a, ctx)
	return append(pods, cs...), err
}
