package kube

import (
	"encoding/json"
	"strconv"

	corev1 "k8s.io/api/core/v1"
)

var probeFields = set("exec", "initialDelaySeconds", "periodSeconds", "timeoutSeconds", "failureThreshold", "successThreshold")

// probe turns an exec livenessProbe (or, without one, an exec
// readinessProbe) into podunit's health check: a failing liveness probe
// restarts the container, as the kubelet does; a readiness probe only
// marks it unhealthy.
func probe(a *argv, ct corev1.Container, at string) error {
	p, path, onFailure := ct.LivenessProbe, at+".livenessProbe", "restart"
	if p == nil {
		p, path, onFailure = ct.ReadinessProbe, at+".readinessProbe", "none"
	}
	if p == nil {
		return nil
	}
	if ct.LivenessProbe != nil && ct.ReadinessProbe != nil {
		return bad(at+".readinessProbe", "podunit has one health check per container: the livenessProbe")
	}
	if err := checkFields(p, path, probeFields); err != nil {
		return err
	}
	if p.Exec == nil || len(p.Exec.Command) == 0 {
		return bad(path, "podunit supports exec probes only (not httpGet, tcpSocket or grpc)")
	}
	if p.SuccessThreshold > 1 {
		return bad(path+".successThreshold", "podunit counts one success")
	}
	cmd, _ := json.Marshal(p.Exec.Command)
	a.add("--health-cmd", string(cmd), "--health-on-failure", onFailure,
		"--health-interval", seconds(p.PeriodSeconds, 10), "--health-timeout", seconds(p.TimeoutSeconds, 1),
		"--health-retries", strconv.Itoa(int(orDefault(p.FailureThreshold, 3))),
		"--health-start-period", seconds(p.InitialDelaySeconds, 0))
	return nil
}

func orDefault(v, def int32) int32 {
	if v <= 0 {
		return def
	}
	return v
}

func seconds(v, def int32) string { return strconv.Itoa(int(orDefault(v, def))) + "s" }
