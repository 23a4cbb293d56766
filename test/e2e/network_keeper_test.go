package e2e

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// execLine is one successful execve in strace's output: the program's argv.
var execLine = regexp.MustCompile(`execve\("[^"]*", \[(.*)\], 0x[0-9a-f]+ /\* \d+ vars \*/\) = 0$`)

// traced runs podunit args under strace where podunit runs, tracing the
// system calls named by calls (strace's -e trace=), with the configuration
// e.command gives podunit, and returns strace's output.
func (e *env) traced(calls string, args ...string) string {
	e.t.Helper()
	trace := filepath.Join(e.dir, "strace.out")
	env := "CONTAINERS_CONF=" + filepath.Join(e.dir, "containers.conf") +
		" CONTAINERS_REGISTRIES_CONF=" + filepath.Join(e.dir, "registries.conf")
	e.sh(env + " strace -f -qq -s 512 -e trace=" + calls + " -o " + trace + " " + e.shellLine(args...))
	return e.sh("cat " + trace)
}

// tracedExecs runs podunit args under strace where podunit runs and
// returns the argv of every program started on the way, in order.
func tracedExecs(e *env, args ...string) [][]string {
	e.t.Helper()
	var out [][]string
	for _, l := range strings.Split(e.traced("execve", args...), "\n") {
		if m := execLine.FindStringSubmatch(l); m != nil {
			out = append(out, strings.Split(strings.Trim(m[1], `"`), `", "`))
		}
	}
	return out
}

// firewallExecs are the iptables and ip6tables runs among execs.
func firewallExecs(execs [][]string) [][]string {
	var out [][]string
	for _, argv := range execs {
		if base := filepath.Base(argv[0]); base == "iptables" || base == "ip6tables" || base == "nft" {
			out = append(out, argv)
		}
	}
	return out
}

// perContainer reports whether an iptables run only checks or changes the
// container's own port forwarding, or only reads: no chain made, flushed or
// removed, no rule added or deleted outside the DNAT chains.
func perContainer(argv []string) bool {
	for i, a := range argv {
		switch a {
		case "-N", "-X", "-F", "-Z", "-E":
			return false
		case "-A", "-D", "-I", "-R":
			return i+1 < len(argv) && (strings.HasPrefix(argv[i+1], "NETAVARK-DN-") || argv[i+1] == "NETAVARK-HOSTPORT-DNAT")
		}
	}
	return true
}

// checkNetworkKeeper: once the default bridge has been used, a `run --rm
// -p` neither builds nor removes the network's chains and rules (its
// keeper holds the bridge), only the container's port forwarding; the port
// answers meanwhile; the bridge, its keeper and the network's rules stay.
// checkNetworkTeardown then sees network rm take them all.
func checkNetworkKeeper(t *testing.T, e *env) {
	e = e.on(t)
	run := []string{"run", "--rm", "--network", "bridge", "-p", "127.0.0.1:18482:80", "bb", "true"}
	first := firewallExecs(tracedExecs(e, run...))
	second := firewallExecs(tracedExecs(e, run...))
	t.Logf("iptables runs: %d for the first run -p on the bridge, %d for the second", len(first), len(second))
	if len(second) == 0 || len(second) > 40 {
		t.Errorf("the second run --rm -p ran iptables %d times, want 1-40 (58 when the bridge is built and removed each time)", len(second))
	}
	for _, argv := range second {
		if !perContainer(argv) {
			t.Errorf("the second run --rm -p changed the network's own rules: %s", strings.Join(argv, " "))
		}
	}
	links := e.sh("ip -o link show master podunit0 | awk '{print $2}'")
	if !regexp.MustCompile(`(?m)^pukeep[0-9a-f]{8}@`).MatchString(links) {
		t.Fatalf("podunit0 has no keeper after its last container; its ports:\n%s", links)
	}
	e.must("run", "-d", "--rm", "--name", "keptweb", "--network", "bridge", "-p", "127.0.0.1:18482:80", "bb", "sh", "-c", httpd("hello-kept"))
	eventually(t, 10*time.Second, "127.0.0.1:18482 to answer from a container on the kept bridge", func() bool {
		out, ok := sandboxFetch(e, "http://127.0.0.1:18482/")
		return ok && strings.Contains(out, "hello-kept")
	})
	e.must("stop", "-t", "0", "keptweb")
	eventually(t, 10*time.Second, "keptweb to be removed", func() bool {
		return e.run("container", "exists", "keptweb").code == 1
	})
	rules := e.sh("iptables-save")
	if strings.Contains(rules, "18482") || !strings.Contains(rules, "-A POSTROUTING -s 10.89.0.0/24 -j NETAVARK-") {
		t.Fatalf("after keptweb: want the network's rules and no port forwarding:\n%s", rules)
	}
}
