package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/image"
)

// metaFlags are create's and run's environment and metadata flags.
type metaFlags struct {
	annotations, expose, logOpts, labelFiles []string
	envMerge, hostUsers                      []string
	tz, logDriver                            string
	envHost, httpProxy                       bool
	retry                                    retryFlags
	pull                                     image.PullExtras // --retry and --retry-delay, read by apply
}

func (f *metaFlags) register(fs *pflag.FlagSet) {
	stringArrayVar(fs, &f.annotations, "annotation", "add an annotation to the OCI runtime spec (KEY=VALUE)")
	fs.StringVar(&f.tz, "tz", "", "the container's time zone: local (the host's) or a zone name such as Europe/Berlin")
	stringArrayVar(fs, &f.expose, "expose", "declare a port or range the container listens on: PORT[-PORT][/tcp|udp|sctp]")
	fs.StringVar(&f.logDriver, "log-driver", defaultLogDriver, "where the container's output goes: journald, passthrough (the unit's own output) or none")
	stringArrayVar(fs, &f.logOpts, "log-opt", "a log driver option: tag=NAME (the journal's identifier)")
	stringArrayVar(fs, &f.labelFiles, "label-file", "read labels (KEY=VALUE lines) from a file")
	stringArrayVar(fs, &f.envMerge, "env-merge", "set NAME=VALUE where VALUE may use the image's variables: PATH=${PATH}:/opt/bin")
	stringArrayVar(fs, &f.hostUsers, "hostuser", "add this host user (name or UID) to the container's /etc/passwd")
	fs.BoolVar(&f.envHost, "env-host", false, "pass this environment into the container")
	f.retry.register(fs)
	fs.BoolVar(&f.httpProxy, "http-proxy", true, "pass the proxy variables of this environment (http_proxy, https_proxy, ftp_proxy, no_proxy and upper-case) into the container")
}

// defaultLogDriver is the default --log-driver, Podman's on systemd hosts.
const defaultLogDriver = "journald"

// proxyVars are the variables --http-proxy passes on, as Podman does.
var proxyVars = []string{"http_proxy", "https_proxy", "ftp_proxy", "no_proxy",
	"HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY"}

// apply puts the flags into o. The caller's environment (--env-host) and
// its proxy variables come before --env-file and --env, which win over them;
// --label-file labels before --label, which wins.
func (f *metaFlags) apply(o *engine.CreateOptions) error {
	annotations, err := parseKV("--annotation", f.annotations)
	if err != nil {
		return err
	}
	o.Annotations, o.Timezone, o.Expose, o.EnvMerge, o.HostUsers = annotations, f.tz, f.expose, f.envMerge, f.hostUsers
	if f.logDriver != defaultLogDriver {
		o.LogDriver = f.logDriver
	}
	if err := f.logOptions(o); err != nil {
		return err
	}
	if err := f.fileLabels(o); err != nil {
		return err
	}
	if err := f.retry.apply(&f.pull); err != nil {
		return err
	}
	o.Env = append(f.callerEnv(), o.Env...)
	return nil
}

// callerEnv is what --env-host and --http-proxy take from this process.
func (f *metaFlags) callerEnv() []string {
	if f.envHost {
		return os.Environ()
	}
	var env []string
	for _, k := range proxyVars {
		if v, ok := os.LookupEnv(k); ok && f.httpProxy {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// logOptions reads --log-opt KEY=VALUE: tag= for the journal; the file
// options belong to k8s-file, which podunit does not have.
func (f *metaFlags) logOptions(o *engine.CreateOptions) error {
	for _, opt := range f.logOpts {
		k, v, ok := strings.Cut(opt, "=")
		switch {
		case !ok:
			return fmt.Errorf("--log-opt %q: want KEY=VALUE: %w", opt, errdefs.ErrInvalidArgument)
		case k == "tag":
			o.LogTag = v
		case k == "path" || k == "max-size" || k == "max-file":
			return fmt.Errorf("--log-opt %q: %s is an option of the k8s-file log driver, which podunit does not have: %w", opt, k, errdefs.ErrNotImplemented)
		default:
			return fmt.Errorf("--log-opt %q: unknown option %q (want tag=): %w", opt, k, errdefs.ErrInvalidArgument)
		}
	}
	return nil
}

// fileLabels adds the labels of --label-file under those of --label.
func (f *metaFlags) fileLabels(o *engine.CreateOptions) error {
	var lines []string
	for _, path := range f.labelFiles {
		if _, err := os.Stat(path); err != nil {
			return fmt.Errorf("--label-file: %w", err)
		}
		l, err := readEnvFile(path)
		if err != nil {
			return err
		}
		lines = append(lines, l...)
	}
	fromFiles, err := parseKV("--label-file", lines)
	if err != nil || len(fromFiles) == 0 {
		return err
	}
	for k, v := range o.Labels {
		fromFiles[k] = v
	}
	o.Labels = fromFiles
	return nil
}

// parseKV reads KEY=VALUE pairs (a bare KEY has an empty value).
func parseKV(flag string, list []string) (map[string]string, error) {
	if len(list) == 0 {
		return nil, nil
	}
	m := map[string]string{}
	for _, kv := range list {
		k, v, _ := strings.Cut(kv, "=")
		if k == "" {
			return nil, fmt.Errorf("%s %q: no key: %w", flag, kv, errdefs.ErrInvalidArgument)
		}
		m[k] = v
	}
	return m, nil
}
