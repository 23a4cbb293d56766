package unitstart

import (
	"os"

	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/oci"
	"github.com/podunit/podunit/engine/systemd"
)

// LogIdentifier is the journal's SYSLOG_IDENTIFIER of a container's
// output: its --log-opt tag=, else its name.
func LogIdentifier(c *model.Container) string {
	if c.Config.LogTag != "" {
		return c.Config.LogTag
	}
	return c.Name
}

// Stdio is the output a unit's container gets, by its log driver:
//   - journald: stdout is the unit's own journal stream; stderr a stream of
//     its own at priority 3, so logs can tell them apart;
//   - passthrough: both are the unit's own (systemd's StandardOutput=);
//   - none: both go to /dev/null.
func Stdio(c *model.Container, unit string) (oci.Stdio, func(), error) {
	stdio := oci.Stdio{Out: os.Stdout, Err: os.Stderr}
	switch c.Config.LogDriverName() {
	case model.LogNone:
		null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			return stdio, nil, err
		}
		return oci.Stdio{Out: null, Err: null}, func() { null.Close() }, nil
	case model.LogPassthrough:
		return stdio, func() {}, nil
	}
	errStream, err := ErrStream(c, unit)
	if err != nil {
		return stdio, func() {}, nil // the unit's stderr still reaches the journal
	}
	stdio.Err = errStream
	return stdio, func() { errStream.Close() }, nil
}

// ErrStream is the journal stream a container's stderr goes to under the
// journald log driver, filed under unit at priority 3 (stdout being the
// unit's own stream, at the unit's priority).
func ErrStream(c *model.Container, unit string) (*os.File, error) {
	return systemd.JournalStream(LogIdentifier(c), unit, 3)
}
