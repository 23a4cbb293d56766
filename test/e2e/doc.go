// Package e2e runs the podunit binary end to end: on the host without
// systemd, and inside a real systemd booted by test/harness. Each test gets
// its own storage root and state, and leaves nothing running.
//
// A test calls t.Parallel() first unless it must run alone; then its first
// line says why ("not parallel: ..."). Go runs those one after another and
// the parallel ones afterwards, up to -parallel (GOMAXPROCS) at a time, each
// booting a sandbox of its own (harness.Slots). A test runs alone when it
// changes what the host shares: packages installed with dpkg, users, the
// host's network namespace (a fixed port, a bridge), t.Setenv; or when it
// times something to within a second or two, or loads every core.
package e2e
