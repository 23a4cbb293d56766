// Package e2e runs the podunit binary end to end: on the host without
// systemd, and inside a real systemd booted by test/harness. Each test gets
// its own storage root and state, and leaves nothing running.
package e2e
