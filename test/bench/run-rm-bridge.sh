#!/usr/bin/env bash
# run-rm-bridge.sh: median wall time of `run --rm -p 127.0.0.1:P:80 IMAGE true`
# on the default bridge (netavark: setup, port forwarding, teardown), podunit
# beside Podman 4.3.1 when it is installed, and beside podunit with
# --network none (what the bridge costs), in alternating rounds (lib.sh's
# alternate) timed inside a real systemd (test/sandbox.sh --net where PID 1 is
# not systemd, so every bridge, veth and rule stays in the sandbox's
# namespace). As root, after `make build`.
# COMPANION=1 keeps one container running on the bridge meanwhile (since the
# bridge keeper, podunit needs none: netavark no longer creates and removes the
# bridge and its rules at each run; Podman still does).
# It also counts the iptables/ip6tables/nft programs one more run starts
# (strace -f -e trace=execve): a figure the machine's load does not disturb.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
work=/var/lib/podunit-bench-bridge
runs=${RUNS:-20}
port=${PORT:-18480}

busybox_rootfs "$work" /run/podunit-bench-bridge

in_systemd --net
pu="$bin --root $work/podunit --runroot /run/podunit-bench-bridge/podunit --runtime crun"
inside $pu image import "$work/rootfs.tar" bench >/dev/null
if [ -n "${COMPANION:-}" ]; then
	inside $pu run -d --name companion bench sleep 3600 >/dev/null
fi
cmds=("$pu run --rm -p 127.0.0.1:$port:80 bench true"
	"$pu run --rm --network none bench true")
if command -v podman >/dev/null; then
	pm="podman --root $work/podman --runroot /run/podunit-bench-bridge/podman --events-backend none --runtime crun"
	inside $pm import "$work/rootfs.tar" localhost/bench >/dev/null
	ul="--ulimit nofile=$(ulimit -Hn):$(ulimit -Hn) --ulimit nproc=4096:4096"
	cmds+=("$pm run --rm -p 127.0.0.1:$port:80 $ul --pull never localhost/bench true")
fi
# firewall programs started by one run --rm -p after a first one, counted with strace
fwcount() {
	inside "$@" >/dev/null
	inside strace -f -qq -e trace=execve -o "$work/execve.trace" "$@" >/dev/null
	grep -E 'execve\("[^"]*/(ip6?tables|nft)(-[a-z]+)?", .* = 0$' "$work/execve.trace" | wc -l
}
counts="iptables/nft runs per run --rm -p: podunit $(fwcount $pu run --rm -p 127.0.0.1:$port:80 bench true)"
if [ -n "${pm:-}" ]; then
	counts+=", podman $(fwcount $pm run --rm -p 127.0.0.1:$port:80 $ul --pull never localhost/bench true)"
fi
alternate "$work/bridge.json" "$runs" "${cmds[@]}"
python3 - "$work/bridge.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
bridge, none = r[0]["median"], r[1]["median"]
line = f"podunit run --rm -p on the bridge {bridge*1000:.1f} ms, with --network none {none*1000:.1f} ms (the bridge costs {(bridge-none)*1000:.1f} ms)"
if len(r) > 2:
    line += f"; podman {r[2]['median']*1000:.1f} ms = {r[2]['median']/bridge:.2f}x podunit's"
print(line)
PY
echo "$counts"
echo "load average: $(cut -d" " -f1-3 /proc/loadavg)"
