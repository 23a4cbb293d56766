//go:build manpages

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/cpuguy83/go-md2man/v2/md2man"
	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// The man page writer is built only into bin/podunit-man (`make man`,
// build tag manpages): go-md2man and blackfriday cost every command of the
// shipped binary their package initialization otherwise.

// addInternal adds the hidden build-time verbs.
func (a *app) addInternal(root *cobra.Command) { root.AddCommand(a.internalCommand()) }

// internalCommand holds what packaging needs at build time; it is hidden
// from help, completion and the man pages.
func (a *app) internalCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "internal", Short: "Build-time helpers", Hidden: true}
	cmd.AddCommand(a.manCommand())
	return cmd
}

// manCommand writes podunit(1) and one page per command from the cobra tree,
// so the pages never drift from the flags, and converts hand-written
// Markdown pages (NAME.SECTION.md, go-md2man syntax) to roff beside them.
// SOURCE_DATE_EPOCH fixes the pages' date.
func (a *app) manCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "man DIR [PAGE.md...]",
		Short: "Write the man pages into DIR",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			root := cmd.Root()
			root.DisableAutoGenTag = true
			header := &doc.GenManHeader{Section: "1", Source: "podunit " + version, Manual: "podunit Manual"}
			if err := doc.GenManTree(root, header, dir); err != nil {
				return err
			}
			for _, md := range args[1:] {
				if err := convertMarkdown(md, dir); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// convertMarkdown renders DIR/NAME.SECTION from NAME.SECTION.md.
func convertMarkdown(md, dir string) error {
	name := strings.TrimSuffix(filepath.Base(md), ".md")
	if name == filepath.Base(md) || filepath.Ext(name) == "" {
		return fmt.Errorf("%s: want a NAME.SECTION.md file", md)
	}
	text, err := os.ReadFile(md)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, name), md2man.Render(text), 0o644)
}
