package engine

import (
	"fmt"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/unitstart"
)

// LogIdentifier is the journal's SYSLOG_IDENTIFIER of a container's
// output: its --log-opt tag=, else its name.
func LogIdentifier(c *model.Container) string { return unitstart.LogIdentifier(c) }

// checkLogsReadable refuses logs of a container whose output was not kept.
func checkLogsReadable(c *model.Container) error {
	if c.Config.LogDriverName() == model.LogNone {
		return fmt.Errorf("logs of container %q: it uses the none log driver, which keeps no logs: %w", c.Name, errdefs.ErrInvalidArgument)
	}
	return nil
}
