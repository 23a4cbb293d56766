package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strings"
	"text/tabwriter"

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
// Everything is rendered before anything is written, so a template that
// fails on some row prints nothing but the error.
func writeTable(w io.Writer, name, format string, zero any, headers map[string]string, rows any, noHeading bool) error {
	return writeTableWith(w, name, format, zero, headers, rows, noHeading, nil)
}

// writeTableWith is writeTable with more rows that more writes, tab
// separated, into the same aligned table after the template's.
func writeTableWith(w io.Writer, name, format string, zero any, headers map[string]string, rows any, noHeading bool,
	more func(io.Writer) error) error {
	text := format
	table := report.HasTable(format)
	if !table && !rangesOverRows.MatchString(format) {
		text = "{{range .}}" + format + "\n{{end -}}"
	}
	tmpl, err := report.NewTemplate(name).Parse(text)
	if err != nil {
		return fmt.Errorf("--format %q: %w", format, templateError(err))
	}
	tmpl.Option("missingkey=error") // a key that maps lack is an error, as a field that structs lack
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 12, 2, 2, ' ', tabwriter.StripEscape)
	var out io.Writer = &buf
	if table {
		out = tw
	}
	if table && !noHeading {
		if err := tmpl.Execute(out, report.Headers(zero, headers)); err != nil {
			return fmt.Errorf("--format %q: %w", format, templateError(err))
		}
	}
	if err := tmpl.Execute(out, rows); err != nil {
		return fmt.Errorf("--format %q: %w", format, templateError(err))
	}
	if more != nil {
		if err := more(out); err != nil {
			return err
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// rangesOverRows matches a template that ranges over the rows itself.
var rangesOverRows = regexp.MustCompile(`{{-?\s*range\s+\.\s*-?}}`)

// goTypeName matches what text/template says of Go types ("in type
// main.psRow", "for main.x"): podunit's own names mean nothing to a user.
var goTypeName = regexp.MustCompile(` (in type|for) \*?(\[\])?(main|model|engine|image)\.[A-Za-z0-9_]+`)

// templateError drops the Go type names from a template error and the
// template's own name prefix.
func templateError(err error) error {
	return errors.New(goTypeName.ReplaceAllString(err.Error(), ""))
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
	zero := zeroRow[R]()
	if _, ok := zero.(defaultRow); ok && o.format == "" {
		// the default table without a template: no reflection per field
		// of each of a thousand rows
		return writeTableWith(a.out, o.name, o.defaultFormat, zero, o.headers, rows[:0], o.noHeading, func(out io.Writer) error {
			for _, r := range rows {
				if _, err := io.WriteString(out, strings.Join(any(r).(defaultRow).defaultCells(), "\t")+"\n"); err != nil {
					return err
				}
			}
			return nil
		})
	}
	return writeTable(a.out, o.name, cmp.Or(o.format, o.defaultFormat), zero, o.headers, rows, o.noHeading)
}

// zeroRow is the row a table's headers are named from: R's zero value, or
// for rows held by pointer a pointer to a zero row (not nil).
func zeroRow[R any]() any {
	if t := reflect.TypeFor[R](); t.Kind() == reflect.Pointer {
		return reflect.New(t.Elem()).Interface()
	}
	var zero R
	return zero
}

// defaultRow is a row that gives the cells of its command's default table
// itself, the values the default format's template would print.
type defaultRow interface{ defaultCells() []string }
