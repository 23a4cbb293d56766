//go:build !hotpath

package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"

	"github.com/podunit/podunit/generator"
	"github.com/podunit/podunit/generator/unitfile"
)

// checkRow is one line of `generate check`: a valid file, or one
// diagnostic at File:Line.
type checkRow struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Unit    string `json:"unit,omitempty"`
	Result  string `json:"result"` // ok, warning or error
	Message string `json:"message,omitempty"`
}

// Where is File:Line, or File for the whole file.
func (r checkRow) Where() string {
	if r.Line > 0 {
		return fmt.Sprintf("%s:%d", r.File, r.Line)
	}
	return r.File
}

// serviceOf maps each source of res to its service, not to the other
// units it makes (a .container's health check timer and service).
func serviceOf(res *generator.Result) map[string]string {
	unitOf := map[string]string{}
	for _, u := range res.Units {
		if !u.Extra {
			unitOf[u.Source] = u.Name
		}
	}
	return unitOf
}

// checkRows lists every source of res: each error and warning at its
// line, and an ok row for a generated file without any; sorted by file
// and line.
func checkRows(res *generator.Result) []checkRow {
	unitOf := serviceOf(res)
	var rows []checkRow
	seen := map[string]bool{}
	add := func(result string, diags []error) {
		for _, d := range diags {
			r := checkRow{Result: result, Message: d.Error()}
			var ue *unitfile.Error
			if errors.As(d, &ue) {
				r.File, r.Line, r.Message = ue.File, ue.Line, ue.Err.Error()
			}
			r.Unit = unitOf[r.File]
			seen[r.File] = true
			rows = append(rows, r)
		}
	}
	add("error", res.Errors)
	add("warning", res.Warnings)
	for _, src := range res.Sources {
		switch {
		case seen[src]:
		case unitOf[src] != "":
			rows = append(rows, checkRow{File: src, Unit: unitOf[src], Result: "ok"})
		default:
			rows = append(rows, checkRow{File: src, Result: "error", Message: errNotGenerated.Error()})
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].File != rows[j].File {
			return filepath.Clean(rows[i].File) < filepath.Clean(rows[j].File)
		}
		return rows[i].Line < rows[j].Line
	})
	return rows
}
