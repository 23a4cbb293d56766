//go:build !hotpath

package main

import "github.com/spf13/cobra"

// untagCommand is `untag IMAGE [NAME...]`: podman-untag(1).
func (a *app) untagCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "untag IMAGE [NAME...]",
		Short: "Remove names from an image (all of them without NAME)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := a.engine()
			if err != nil {
				return err
			}
			return eng.Images().Untag(a.ctx(cmd), args[0], args[1:])
		},
	}
}

// addImageGroupAliases puts under `image` the image verbs podunit has at
// the top level, as podman-image(1) lists them, and `system info`.
func (a *app) addImageGroupAliases(root *cobra.Command) {
	root.AddCommand(a.untagCommand())
	subcommand(root, "image").AddCommand(a.untagCommand(), a.pullCommand(), a.pushCommand(), a.saveCommand())
	subcommand(root, "system").AddCommand(a.infoCommand())
}
