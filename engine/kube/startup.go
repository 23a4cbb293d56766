package kube

import (
	"strconv"

	corev1 "k8s.io/api/core/v1"
)

// startupProbe turns a startupProbe into podunit's startup health check,
// which runs after each start until it passes and then hands over to the
// regular check (the liveness or readiness probe), as the kubelet holds
// the other probes back until the startup probe succeeds; failureThreshold
// failures in a row restart the container.
func startupProbe(a *argv, ct corev1.Container, at string) error {
	p, path := ct.StartupProbe, at+".startupProbe"
	if p == nil {
		return nil
	}
	if ct.LivenessProbe == nil && ct.ReadinessProbe == nil {
		return bad(path, "needs a livenessProbe or readinessProbe in podunit (the startup check hands over to it)")
	}
	if err := checkFields(p, path, probeFields); err != nil {
		return err
	}
	if p.SuccessThreshold > 1 {
		return bad(path+".successThreshold", "must be 1 for a startupProbe")
	}
	if p.InitialDelaySeconds > 0 {
		return bad(path+".initialDelaySeconds", "podunit's startup check has no initial delay")
	}
	cmd, err := probeCmd(p, ct, path)
	if err != nil {
		return err
	}
	a.add("--health-startup-cmd", cmd, "--health-startup-interval", seconds(p.PeriodSeconds, 10),
		"--health-startup-timeout", seconds(p.TimeoutSeconds, 1),
		"--health-startup-retries", strconv.Itoa(int(orDefault(p.FailureThreshold, 3))))
	return nil
}

// readiness warns of a readinessProbe beside a livenessProbe: podunit has
// one regular check per container, the liveness one, and readiness gates
// only Service endpoints, which one host has none of.
func (c *ctrCtx) readiness(_ *argv, ct corev1.Container, at string) error {
	if ct.LivenessProbe != nil && ct.ReadinessProbe != nil {
		if err := checkFields(ct.ReadinessProbe, at+".readinessProbe", probeFields); err != nil {
			return err
		}
		c.warn(at+".readinessProbe", "ignored beside the livenessProbe (one health check per container; no Service here to gate)")
	}
	return nil
}
