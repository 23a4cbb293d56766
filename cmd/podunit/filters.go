package main

import (
	"context"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/filter"
	"github.com/podunit/podunit/engine/image"
	"github.com/podunit/podunit/engine/model"
)

// The --filter keys of each list verb, as Podman documents them; the rules
// themselves live in engine/filter.

// psStatuses are the values ps's status= takes: Podman's, and podunit's
// own passing states ("stopped" is Docker's word for exited).
var psStatuses = []string{"created", "exited", "paused", "running", "unknown", "stopping", "removing", "stopped"}

// containerFilter compiles `ps --filter`: id, name, label, status, exited,
// ancestor, pod, network, volume, before, since.
func containerFilter(ctx context.Context, eng *engine.Engine, args []string) (func(*model.Container) bool, error) {
	pods := map[string]*model.Pod{}
	if list, err := eng.Pods(ctx); err == nil {
		for _, p := range list {
			pods[p.ID] = p
		}
	}
	created := func(c *model.Container) time.Time { return c.Created }
	lookup := func(ref string) (time.Time, error) {
		c, err := eng.Container(ctx, ref)
		if err != nil {
			return time.Time{}, err
		}
		return c.Created, nil
	}
	return filter.Compile(args, withRules(filter.Rules[*model.Container]{
		"id":     filter.Prefix(func(c *model.Container) string { return c.ID }),
		"name":   filter.Regexp(func(c *model.Container) string { return c.Name }),
		"label":  filter.Label(func(c *model.Container) map[string]string { return c.Config.Labels }),
		"label!": filter.NotLabel(func(c *model.Container) map[string]string { return c.Config.Labels }),
		"status": filter.OneOf(containerStatus, psStatuses...),
		"health": filter.Equal(containerHealth, "starting", "healthy", "unhealthy", "none"),
		"exited": filter.Int(func(c *model.Container) (int, bool) {
			return c.State.ExitCode, c.State.Status == model.Exited
		}),
		"ancestor": filter.Rule[*model.Container](func(v string) (func(*model.Container) bool, error) {
			return func(c *model.Container) bool { return isAncestor(c, v) }, nil
		}),
		"pod": filter.OneOf(func(c *model.Container) []string { return podRefs(pods[c.Config.Pod]) }),
		"network": filter.OneOf(func(c *model.Container) []string {
			if p := pods[c.Config.Pod]; c.Config.Network == "" && p != nil {
				return []string{p.Config.Network}
			}
			return []string{c.Config.Network}
		}),
		"volume": filter.OneOf(containerVolumes),
		"before": filter.Relative(created, lookup, false),
		"since":  filter.Relative(created, lookup, true),
	}, psMoreRules(time.Now())))
}

// containerStatus is what status= compares: the status, and "stopped" for exited.
func containerStatus(c *model.Container) []string {
	s := []string{string(c.State.Status)}
	if c.State.Status == model.Exited {
		s = append(s, "stopped")
	}
	return s
}

// podRefs are the values pod= matches: the pod's name, ID and short ID.
func podRefs(p *model.Pod) []string {
	if p == nil {
		return nil
	}
	return []string{p.Name, p.ID, p.ID[:12]}
}

// containerVolumes are the values volume= matches: named volumes and the
// mount destinations.
func containerVolumes(c *model.Container) []string {
	var out []string
	for _, m := range c.Config.Mounts {
		if m.Type == "volume" {
			out = append(out, m.Source)
		}
		out = append(out, m.Destination)
	}
	return out
}

// isAncestor: ancestor= names the container's image as typed, normalised,
// without its tag, or by an ID prefix.
func isAncestor(c *model.Container, v string) bool {
	if v == c.Image || strings.HasPrefix(c.ImageID, strings.TrimPrefix(v, "sha256:")) && len(v) >= 3 {
		return true
	}
	full, err := image.NormalizeName(c.Image)
	return err == nil && referenceMatches(full, v)
}

// referenceMatches is images' reference=: the full name or its repository,
// with or without the registry, as a glob.
func referenceMatches(full, v string) bool {
	repo, _ := splitRef(full)
	candidates := []string{full, repo}
	if _, rest, ok := strings.Cut(full, "/"); ok {
		short, _ := splitRef(rest)
		candidates = append(candidates, rest, short)
	}
	return slices.ContainsFunc(candidates, func(c string) bool {
		ok, err := path.Match(v, c)
		return ok && err == nil
	})
}

// imageFilter compiles `images --filter`: reference, label, dangling,
// before, since, id, until.
func imageFilter(ctx context.Context, eng *engine.Engine, args []string) (func(image.Summary) bool, error) {
	labels := func(s image.Summary) map[string]string {
		in, err := eng.Images().Inspect(ctx, s.ID)
		if err != nil {
			return nil
		}
		return in.Labels
	}
	created := func(s image.Summary) time.Time { return s.Created }
	lookup := func(ref string) (time.Time, error) {
		in, err := eng.Images().Inspect(ctx, ref)
		if err != nil {
			return time.Time{}, err
		}
		return in.Created, nil
	}
	return filter.Compile(args, withRules(filter.Rules[image.Summary]{
		"reference": filter.Rule[image.Summary](func(v string) (func(image.Summary) bool, error) {
			return func(s image.Summary) bool {
				return slices.ContainsFunc(s.Names, func(n string) bool { return referenceMatches(n, v) })
			}, nil
		}),
		"label":    filter.Label(labels),
		"label!":   filter.NotLabel(labels),
		"dangling": filter.Bool(func(s image.Summary) bool { return len(s.Names) == 0 }),
		"id":       filter.Prefix(func(s image.Summary) string { return s.ID }),
		"before":   filter.Relative(created, lookup, false),
		"since":    filter.Relative(created, lookup, true),
		"until":    filter.Until(created, time.Now()),
	}, imageMoreRules()))
}

// podFilter compiles `pod ps --filter`: id, name, label, status, ctr-names,
// ctr-ids, ctr-status, ctr-number.
func podFilter(args []string) (func(podRow) bool, error) {
	members := func(get func(podMember) string) func(podRow) []string {
		return func(r podRow) []string {
			var out []string
			for _, m := range r.Containers {
				out = append(out, get(m))
			}
			return out
		}
	}
	return filter.Compile(args, withRules(filter.Rules[podRow]{
		"id":         filter.Prefix(func(r podRow) string { return r.fullID }),
		"name":       filter.Regexp(func(r podRow) string { return r.Name }),
		"label":      filter.Label(func(r podRow) map[string]string { return r.Labels }),
		"label!":     filter.NotLabel(func(r podRow) map[string]string { return r.Labels }),
		"status":     filter.Equal(func(r podRow) string { return strings.ToLower(r.Status) }, podStatuses...),
		"ctr-names":  filter.OneOf(members(func(m podMember) string { return m.Names })),
		"ctr-ids":    filter.Rule[podRow](ctrIDs),
		"ctr-status": filter.OneOf(members(func(m podMember) string { return m.Status }), psStatuses...),
		"ctr-number": filter.Int(func(r podRow) (int, bool) { return r.NumberOfContainers, true }),
	}, podMoreRules(time.Now())))
}

func ctrIDs(v string) (func(podRow) bool, error) {
	return func(r podRow) bool {
		return slices.ContainsFunc(r.Containers, func(m podMember) bool { return strings.HasPrefix(m.ID, v) })
	}, nil
}

// volumeFilter compiles `volume ls --filter`: name, label, driver, dangling.
func volumeFilter(args []string) (func(volumeRow) bool, error) {
	return filter.Compile(args, withRules(filter.Rules[volumeRow]{
		"name":     filter.Regexp(func(r volumeRow) string { return r.Name }),
		"label":    filter.Label(func(r volumeRow) map[string]string { return r.Labels }),
		"label!":   filter.NotLabel(func(r volumeRow) map[string]string { return r.Labels }),
		"driver":   filter.Equal(func(r volumeRow) string { return r.Driver }),
		"dangling": filter.Bool(func(r volumeRow) bool { return len(r.users) == 0 }),
	}, volumeMoreRules(time.Now())))
}

// networkFilter compiles `network ls --filter`: name, id, label, driver.
func networkFilter(args []string) (func(networkRow) bool, error) {
	return filter.Compile(args, withRules(filter.Rules[networkRow]{
		"name":   filter.Regexp(func(r networkRow) string { return r.Name }),
		"id":     filter.Prefix(func(r networkRow) string { return r.ID }),
		"label":  filter.Label(func(r networkRow) map[string]string { return r.Labels }),
		"label!": filter.NotLabel(func(r networkRow) map[string]string { return r.Labels }),
		"driver": filter.Equal(func(r networkRow) string { return r.Driver }),
	}, networkMoreRules(time.Now())))
}

// filterImages keeps the images that `images --filter` args match.
func filterImages(ctx context.Context, eng *engine.Engine, list []image.Summary, args []string) ([]image.Summary, error) {
	if len(args) == 0 {
		return list, nil
	}
	match, err := imageFilter(ctx, eng, args)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(list, func(s image.Summary) bool { return !match(s) }), nil
}
