// Package kube reads Kubernetes YAML (Pod, Deployment, ConfigMap, Secret,
// PersistentVolumeClaim) and turns it into podunit's own create arguments:
// for each pod, `pod create` options and, for each container, the argv of
// `podunit create`, which the CLI parses with its own flag set (one road in).
// It also writes Kubernetes YAML back from podunit's records. Pure: no I/O
// beyond the bytes it is given.
package kube

import (
	"fmt"

	"github.com/podunit/podunit/engine/errdefs"
)

// Error is a problem in a YAML file: the file, the line where the document
// (or the syntax error) is, the document's kind and name, and the field path
// (spec.containers[1].foo) where one is known.
type Error struct {
	File string
	Line int    // 1-based line of the syntax error, else of the document's start
	What string // "Deployment web", when known
	Path string // field path, when known
	Msg  string
}

func (e *Error) Error() string {
	s := e.File
	if e.Line > 0 {
		s += fmt.Sprintf(":%d", e.Line)
	}
	if e.What != "" {
		s += ": " + e.What
	}
	if e.Path != "" {
		s += ": " + e.Path
	}
	return s + ": " + e.Msg
}

// Unwrap makes every YAML problem an invalid argument.
func (e *Error) Unwrap() error { return errdefs.ErrInvalidArgument }

// fieldErr is a problem at a field path inside one document; the document
// adds the file, line and kind (docErr).
type fieldErr struct {
	path, msg string
}

func (e *fieldErr) Error() string { return e.path + ": " + e.msg }

func bad(path, format string, args ...any) error {
	return &fieldErr{path: path, msg: fmt.Sprintf(format, args...)}
}
