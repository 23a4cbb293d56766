package main

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/podunit/podunit/engine"

	"github.com/podunit/podunit/engine/filter"
	"github.com/podunit/podunit/engine/image"
	"github.com/podunit/podunit/engine/model"
)

// The --filter keys Podman documents beyond the first set of each verb:
// until= everywhere, ps's restart-policy=, images' containers=, digest=,
// intermediate= and readonly=, pod ps's network=, volume ls's opt= and
// scope=, network ls's dangling=.

// restartPolicies are the values of restart-policy=: --restart's names.
var restartPolicies = []string{"no", "on-failure", "always", "unless-stopped"}

func psMoreRules(now time.Time) filter.Rules[*model.Container] {
	return filter.Rules[*model.Container]{
		"until": filter.Until(func(c *model.Container) time.Time { return c.Created }, now),
		"restart-policy": filter.Equal(func(c *model.Container) string {
			name, _, _ := strings.Cut(c.Config.Restart, ":")
			if name == "" {
				return "no"
			}
			return name
		}, restartPolicies...),
	}
}

// imageMoreRules: podunit keeps no intermediate (build) images and no
// read-only image stores, so intermediate= and readonly= match only false.
func imageMoreRules() filter.Rules[image.Summary] {
	return filter.Rules[image.Summary]{
		"containers":   filter.Bool(func(s image.Summary) bool { return s.Containers > 0 }),
		"digest":       filter.Prefix(func(s image.Summary) string { return s.Digest }),
		"intermediate": filter.Bool(func(image.Summary) bool { return false }),
		"readonly":     filter.Bool(func(image.Summary) bool { return false }),
	}
}

func podMoreRules(now time.Time) filter.Rules[podRow] {
	return filter.Rules[podRow]{
		"until": filter.Until(func(r podRow) time.Time {
			t, _ := time.Parse(time.RFC3339Nano, r.Created)
			return t
		}, now),
		"network": filter.OneOf(func(r podRow) []string { return r.Networks }),
	}
}

func volumeMoreRules(now time.Time) filter.Rules[volumeRow] {
	return filter.Rules[volumeRow]{
		"until": filter.Until(func(r volumeRow) time.Time { return r.CreatedAt }, now),
		"scope": filter.Equal(func(r volumeRow) string { return r.Scope }, "local"),
		"opt": filter.OneOf(func(r volumeRow) []string {
			var out []string
			for k, v := range r.Options {
				out = append(out, k+"="+v, k)
			}
			return out
		}),
	}
}

func networkMoreRules(now time.Time) filter.Rules[networkRow] {
	return filter.Rules[networkRow]{
		"until":    filter.Until(func(r networkRow) time.Time { return r.Created }, now),
		"dangling": filter.Bool(func(r networkRow) bool { return !r.inUse }),
	}
}

// networkInUse reads whether a container or pod uses the network, when a
// dangling= filter asks (else false, unread).
func networkInUse(ctx context.Context, eng *engine.Engine, name string, filters []string) (bool, error) {
	if !slices.ContainsFunc(filters, func(f string) bool { return strings.HasPrefix(f, "dangling=") }) {
		return false, nil
	}
	cs, ps, err := eng.NetworkUsers(ctx, name)
	return len(cs)+len(ps) > 0, err
}

// withRules is rules with more's keys added.
func withRules[T any](rules, more filter.Rules[T]) filter.Rules[T] {
	for k, r := range more {
		rules[k] = r
	}
	return rules
}
