package main

import (
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
