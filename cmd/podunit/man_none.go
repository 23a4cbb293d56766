//go:build !manpages

package main

import "github.com/spf13/cobra"

// addInternal adds nothing: the build-time verbs (man pages) are built only
// with the manpages tag (man.go).
func (a *app) addInternal(*cobra.Command) {}
