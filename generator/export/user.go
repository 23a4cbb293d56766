package export

// wantedBy is the [Install] target: a user manager (User, a rootless
// caller's units) has default.target only; the system's units name both,
// so that enabling them works under either manager, as before.
func (o Options) wantedBy() string {
	if o.User {
		return "default.target"
	}
	return "multi-user.target default.target"
}
