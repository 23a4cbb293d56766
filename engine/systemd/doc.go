// Package systemd is podunit's only D-Bus user. It starts, stops, signals and
// inspects units over systemd's private socket, creates the transient units
// that `podunit run -d` needs, speaks the sd_notify protocol for the start
// helper, reads this process's own cgroup, and reads the journal by running
// journalctl (the journal's C reader needs cgo).
//
// Every error wraps one errdefs class and names the unit it is about.
package systemd
