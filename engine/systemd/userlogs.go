package systemd

// unitField is the journal field that names the unit of opts' entries: a
// user manager's units are _SYSTEMD_USER_UNIT (their _SYSTEMD_UNIT is
// user@UID.service).
func unitField(opts LogOptions) string {
	if opts.UserUID != "" {
		return "_SYSTEMD_USER_UNIT="
	}
	return "_SYSTEMD_UNIT="
}

// userMatch keeps other users' units of the same name out.
func userMatch(opts LogOptions) []string {
	if opts.UserUID == "" {
		return nil
	}
	return []string{"_UID=" + opts.UserUID}
}
