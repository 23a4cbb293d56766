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

// userUnfiled is a second match (journalctl's "+": or) for a user's
// units: their output with the units' identifiers, from the user, that
// journald filed under no unit. It files a user unit's stream by the
// cgroup of the process that opened it (a user manager's stream header
// naming the unit counts for root only), read when the first line comes:
// a rootless unit's ExecStart= podunit has often exited by then, its
// container writing on.
func userUnfiled(opts LogOptions) []string {
	if opts.UserUID == "" || len(opts.UserIdentifiers) == 0 {
		return nil
	}
	out := []string{"+"}
	if opts.Identifier != "" {
		out = append(out, "SYSLOG_IDENTIFIER="+opts.Identifier)
	} else {
		for _, id := range opts.UserIdentifiers {
			out = append(out, "SYSLOG_IDENTIFIER="+id)
		}
	}
	return append(out, "_UID="+opts.UserUID, "_TRANSPORT=stdout")
}
