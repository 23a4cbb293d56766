package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/podunit/podunit/engine/errdefs"
)

// sortKeys are the values of a list verb's --sort, each comparing two rows.
type sortKeys[R any] map[string]func(a, b R) int

// check refuses a --sort value that is none of the keys.
func (k sortKeys[R]) check(value string) error {
	if _, ok := k[value]; !ok {
		return fmt.Errorf("--sort %q: want one of %s: %w", value,
			strings.Join(slices.Sorted(maps.Keys(k)), ", "), errdefs.ErrInvalidArgument)
	}
	return nil
}
