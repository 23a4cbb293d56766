package model

// MetaConfig is a container's metadata and environment settings beyond
// its command and environment: annotations, time zone, logging and the
// ports it declares. All are optional.
type MetaConfig struct {
	Annotations map[string]string `json:"annotations,omitempty"` // --annotation: into the OCI spec's annotations
	Timezone    string            `json:"timezone,omitempty"`    // --tz: "local" or a zone name (Europe/Berlin)
	LogDriver   string            `json:"logDriver,omitempty"`   // --log-driver: journald (""), passthrough or none
	LogTag      string            `json:"logTag,omitempty"`      // --log-opt tag=: the journal's SYSLOG_IDENTIFIER
	Expose      []string          `json:"expose,omitempty"`      // --expose: "80/tcp", one per port
	HostUsers   []string          `json:"hostUsers,omitempty"`   // --hostuser: host users added to the container's /etc/passwd
}

// Log drivers podunit has. journald is the default: "" reads as journald.
const (
	LogJournald    = "journald"
	LogPassthrough = "passthrough"
	LogNone        = "none"
)

// LogDriverName is the container's log driver, journald when none was given.
func (m MetaConfig) LogDriverName() string {
	if m.LogDriver == "" {
		return LogJournald
	}
	return m.LogDriver
}
