package quadlet

// health2Keys map the startup check and health log keys to their flags.
var health2Keys = [][2]string{{"HealthStartupCmd", "--health-startup-cmd"},
	{"HealthStartupInterval", "--health-startup-interval"}, {"HealthStartupRetries", "--health-startup-retries"},
	{"HealthStartupSuccess", "--health-startup-success"}, {"HealthStartupTimeout", "--health-startup-timeout"},
	{"HealthLogDestination", "--health-log-destination"}, {"HealthMaxLogCount", "--health-max-log-count"},
	{"HealthMaxLogSize", "--health-max-log-size"}}

// ctrHealth2 translates the startup check and health log keys.
func (t *translator) ctrHealth2() {
	for _, k := range health2Keys {
		t.flag(k[0], k[1])
	}
}
