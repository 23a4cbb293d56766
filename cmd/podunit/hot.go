//go:build hotpath

package main

import "github.com/spf13/cobra"

// rootCommandFor is the fast branch args name, or nil: this hot-path binary
// has no other verbs, and main runs such a line in the full binary.
func (a *app) rootCommandFor(args []string) *cobra.Command { return a.fastRootFor(args) }
