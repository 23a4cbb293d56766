package names

// AttachedScope is the transient scope that holds a container run in the
// foreground (and the podunit that runs it) under systemd: podunit-ID.scope.
func AttachedScope(id string) string { return TransientPrefix + id + ".scope" }
