package systemd

import (
	"context"
	"fmt"
	"io"
	"os/exec"

	"github.com/podunit/podunit/engine/errdefs"
)

// runJournalctl runs journalctl with args and hands its stdout to read.
// what names the request in errors. With follow, the end of ctx is a
// normal end.
func runJournalctl(ctx context.Context, args []string, what string, follow bool, read func(io.Reader) error) error {
	cmd := exec.CommandContext(ctx, journalctl, args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	var errBuf limitedBuffer
	cmd.Stderr = &errBuf
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("%s: %w: %w", what, errdefs.ErrUnavailable, err)
	}
	readErr := read(out)
	if readErr != nil {
		_ = cmd.Process.Kill()
	}
	waitErr := cmd.Wait()
	if follow && ctx.Err() != nil {
		return nil
	}
	if readErr != nil {
		return fmt.Errorf("%s: %w", what, readErr)
	}
	if waitErr != nil {
		return fmt.Errorf("%s: journalctl: %w: %s", what, waitErr, errBuf.String())
	}
	return nil
}
