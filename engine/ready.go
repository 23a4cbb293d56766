package engine

// readyClosed is unit-start's last word: it closes the state database, and
// only then tells systemd READY=1. `run -d` and `start` return when
// systemd has READY=1, so their return means this process no longer
// writes: closing the last connection checkpoints the WAL into the
// database file, which must not happen behind a caller's back (a backup,
// or a test that truncates the file, takes it as final). A failed close
// loses nothing, since every write was committed: the WAL stays and the
// next opener replays it. The engine must not touch the store after this.
func (e *Engine) readyClosed() error {
	if e.store != nil {
		_ = e.store.Close()
	}
	return e.notifyReady()
}
