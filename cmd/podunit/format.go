package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"go.podman.io/common/pkg/report"
)

// writeJSON prints v as indented JSON, as Podman's --format json does.
func writeJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "    ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(w, string(b))
	return err
}

// writeTable renders rows with a Go template: "table …" gives aligned
// columns with headers named after the fields (overridden by headers).
func writeTable(w io.Writer, name, format string, zero any, headers map[string]string, rows any, noHeading bool) error {
	origin := report.OriginUser
	if !strings.HasPrefix(format, "table") && !strings.Contains(format, "{{range") {
		format = "{{range .}}" + format + "\n{{end -}}"
	}
	rpt, err := report.New(w, name).Parse(origin, format)
	if err != nil {
		return fmt.Errorf("--format %q: %w", format, err)
	}
	defer rpt.Flush()
	if rpt.RenderHeaders && !noHeading {
		if err := rpt.Execute(report.Headers(zero, headers)); err != nil {
			return err
		}
	}
	if err := rpt.Execute(rows); err != nil {
		return fmt.Errorf("--format %q: %w", format, err)
	}
	return nil
}

// listOutput says how a list command prints its rows.
type listOutput struct {
	name, format, defaultFormat string
	quiet, noHeading            bool
	headers                     map[string]string // column titles that differ from field names
}

// printList prints rows the way podman's list commands do: one key per line
// with -q, a JSON array with --format json, else a Go template (the command's
// aligned table by default).
func printList[R any](a *app, o listOutput, rows []R, key func(R) string) error {
	switch {
	case o.quiet:
		for _, r := range rows {
			fmt.Fprintln(a.out, key(r))
		}
		return nil
	case o.format == "json":
		return writeJSON(a.out, rows)
	}
	var zero R
	return writeTable(a.out, o.name, cmp.Or(o.format, o.defaultFormat), zero, o.headers, rows, o.noHeading)
}
