package kube

import (
	"encoding/json"
	"sort"
	"strings"
)

type fieldSet map[string]bool

func set(names ...string) fieldSet {
	s := fieldSet{}
	for _, n := range names {
		s[n] = true
	}
	return s
}

// What podunit translates, object by object. A field set outside these is
// an error naming its path, never dropped in silence.
var (
	podSpecFields = set("containers", "initContainers", "volumes", "restartPolicy", "hostname", "hostNetwork", "hostPID", "hostIPC",
		"terminationGracePeriodSeconds", "securityContext", "resources")
	// podSpecIgnored have no meaning on one host: a warning, not an error.
	podSpecIgnored = set("dnsPolicy", "nodeName", "nodeSelector", "affinity", "tolerations", "schedulerName",
		"priority", "priorityClassName", "serviceAccountName", "serviceAccount", "automountServiceAccountToken",
		"enableServiceLinks", "preemptionPolicy", "topologySpreadConstraints", "imagePullSecrets")
	containerFields = set("name", "image", "command", "args", "workingDir", "ports", "env", "envFrom", "resources",
		"volumeMounts", "imagePullPolicy", "securityContext", "terminationMessagePath", "terminationMessagePolicy",
		"stdin", "tty", "livenessProbe", "readinessProbe", "startupProbe")
	securityFields = set("runAsUser", "runAsGroup", "runAsNonRoot", "capabilities", "readOnlyRootFilesystem", "privileged", "allowPrivilegeEscalation",
		"seLinuxOptions", "seccompProfile", "appArmorProfile", "procMount")
	podSecurityFields = set("runAsUser", "runAsGroup", "runAsNonRoot", "supplementalGroups", "sysctls",
		"seLinuxOptions", "seccompProfile", "appArmorProfile")
	mountFields    = set("name", "mountPath", "readOnly", "subPath")
	resourceFields = set("limits", "requests")
	volumeFields   = set("name", "hostPath", "emptyDir", "persistentVolumeClaim", "configMap", "secret")
)

// setFields are the JSON fields of v that hold a value.
func setFields(v any) []string {
	js, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(js, &m) != nil {
		return nil
	}
	var out []string
	for k, raw := range m {
		switch strings.TrimSpace(string(raw)) {
		case "{}", "null", "[]", `""`:
			continue
		}
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// checkFields fails on the first field of v, at path, that allowed lacks.
func checkFields(v any, path string, allowed fieldSet) error {
	return checkFieldsBut(v, path, allowed, nil)
}

func checkFieldsBut(v any, path string, allowed, ignored fieldSet) error {
	for _, k := range setFields(v) {
		if !allowed[k] && !ignored[k] {
			return bad(path+"."+k, "not supported by podunit")
		}
	}
	return nil
}

// ignoredFields are warnings for the fields of v in ignored.
func ignoredFields(v any, path string, ignored fieldSet, src *PodSource) []string {
	var out []string
	for _, k := range setFields(v) {
		if ignored[k] {
			out = append(out, src.File+": "+src.what()+": "+path+"."+k+": ignored (no meaning on one host)")
		}
	}
	return out
}

func lower(s string) string { return strings.ToLower(s) }
