package systemd

import (
	"context"
	"fmt"
)

// Reload makes systemd reload its unit files and rerun its generators
// (systemctl daemon-reload), and waits until it has.
func (c *Conn) Reload(ctx context.Context) error {
	if err := c.bus().ReloadContext(ctx); err != nil {
		return fmt.Errorf("systemd daemon-reload: %w", classify(err))
	}
	return nil
}
