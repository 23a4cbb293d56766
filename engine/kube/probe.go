package kube

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

var (
	probeFields   = set("exec", "httpGet", "tcpSocket", "initialDelaySeconds", "periodSeconds", "timeoutSeconds", "failureThreshold", "successThreshold")
	httpGetFields = set("path", "port", "host", "scheme")
)

// probe turns a livenessProbe (or, without one, a readinessProbe) into
// podunit's health check: a failing liveness probe restarts the container,
// as the kubelet does; a readiness probe only marks it unhealthy. exec runs
// its command; httpGet and tcpSocket run in the container, with its wget or
// curl and nc (as Podman's kube play runs curl), since the engine does not
// probe from outside.
func probe(a *argv, ct corev1.Container, at string) error {
	p, path, onFailure := ct.LivenessProbe, at+".livenessProbe", "restart"
	if p == nil {
		p, path, onFailure = ct.ReadinessProbe, at+".readinessProbe", "none"
	}
	if p == nil {
		return nil
	}
	if err := checkFields(p, path, probeFields); err != nil {
		return err
	}
	if p.SuccessThreshold > 1 {
		return bad(path+".successThreshold", "podunit counts one success")
	}
	cmd, err := probeCmd(p, ct, path)
	if err != nil {
		return err
	}
	a.add("--health-cmd", cmd, "--health-on-failure", onFailure,
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

// probeCmd is the health command of p's handler, as --health-cmd takes it.
func probeCmd(p *corev1.Probe, ct corev1.Container, path string) (string, error) {
	switch {
	case p.Exec != nil && len(p.Exec.Command) > 0:
		cmd, _ := json.Marshal(p.Exec.Command)
		return string(cmd), nil
	case p.HTTPGet != nil:
		h := p.HTTPGet
		if err := checkFields(h, path+".httpGet", httpGetFields); err != nil {
			return "", err
		}
		port, err := probePort(h.Port, ct, path+".httpGet.port")
		if err != nil {
			return "", err
		}
		scheme := strings.ToLower(string(h.Scheme))
		if scheme == "" {
			scheme = "http"
		}
		url := shellQuote(fmt.Sprintf("%s://%s:%d/%s", scheme, hostOr(h.Host), port, strings.TrimPrefix(h.Path, "/")))
		return "wget -q -O /dev/null " + url + " || curl -fsS -o /dev/null " + url, nil
	case p.TCPSocket != nil:
		port, err := probePort(p.TCPSocket.Port, ct, path+".tcpSocket.port")
		if err != nil {
			return "", err
		}
		// busybox's nc (Debian's) has no -z: connect with nothing to send
		hp := fmt.Sprintf("%s %d", shellQuote(hostOr(p.TCPSocket.Host)), port)
		return "nc -z " + hp + " 2>/dev/null || nc -w 1 " + hp + " </dev/null >/dev/null", nil
	}
	return "", bad(path, "want exec, httpGet or tcpSocket (podunit has no grpc probe)")
}

func hostOr(h string) string {
	if h == "" {
		return "127.0.0.1"
	}
	return h
}

// probePort is a port by number or by the name of one of ct's ports.
func probePort(v intstr.IntOrString, ct corev1.Container, path string) (int32, error) {
	if v.Type == intstr.Int {
		if v.IntVal <= 0 || v.IntVal > 65535 {
			return 0, bad(path, "%d is not a port", v.IntVal)
		}
		return v.IntVal, nil
	}
	for _, p := range ct.Ports {
		if p.Name == v.StrVal {
			return p.ContainerPort, nil
		}
	}
	return 0, bad(path, "no port named %q in the container's ports", v.StrVal)
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
