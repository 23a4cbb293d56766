#!/usr/bin/env bash
# member-unit.sh: what the Go process in each member's unit costs a pod start,
# against units whose ExecStart= is the runtime itself (PERFORMANCE.md,
# twentieth session). Three transient units are started at once under
# systemd (test/sandbox.sh where PID 1 is not systemd), each creating a
# container from a bundle with podunit's spec (spec_probe, the seccomp program
# kept), and then the three inits are released (`crun start`), in three ways:
#   helper   Type=notify; ExecStart= a small Go program that runs `crun create`
#            and hands the init to systemd (MAINPID=, READY=1): a stand-in for
#            podunit-start with less work of its own (no plan, no report)
#   crun     Type=forking, PIDFile=; ExecStart= /usr/bin/crun create (crun
#            clones its own binary first: a bind mount in the host's mount table)
#   sealed   as crun, from a sealed memfd copy of crun that a process of the
#            round holds, executed by PID 1 as /proc/PID/fd/N (crun then does
#            not clone itself)
# Rounds rotate the order; per way the median wall time from the first unit's
# start to the third init released and the CPU time of the sandbox meanwhile,
# then the medians of the paired differences with a 95 % bootstrap interval.
# As root, after `make build`, with crun; RUNS (20) rounds:
#   RUNS=20 test/bench/member-unit.sh
set -euo pipefail
. "$(dirname "$0")/lib.sh"
runs=${RUNS:-20}
work=/var/lib/podunit-bench-member
runroot=/run/podunit-bench-member
command -v crun >/dev/null || { echo "member-unit.sh: crun is missing" >&2; exit 1; }
command -v go >/dev/null || { echo "member-unit.sh: go is missing (the helper is built here)" >&2; exit 1; }
crun=$(command -v crun)
busybox_rootfs "$work"
mkdir -p "$work/helper"
cat >"$work/helper/main.go" <<'EOF'
// helper CRUN ROOT BUNDLE PIDFILE ID: runs the runtime's create, then hands
// the init to systemd as the unit's main process and says the unit is ready.
package main

import (
	"net"
	"os"
	"os/exec"
	"strings"
)

func main() {
	a := os.Args[1:]
	cmd := exec.Command(a[0], "--root", a[1], "create", "--bundle", a[2], "--pid-file", a[3], a[4])
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if cmd.Run() != nil {
		os.Exit(1)
	}
	pid, err := os.ReadFile(a[3])
	if err != nil {
		os.Exit(1)
	}
	c, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: os.Getenv("NOTIFY_SOCKET"), Net: "unixgram"})
	if err != nil {
		os.Exit(1)
	}
	_, err = c.Write([]byte("MAINPID=" + strings.TrimSpace(string(pid)) + "\nREADY=1"))
	if err != nil {
		os.Exit(1)
	}
}
EOF
(cd "$work/helper" && GOFLAGS= CGO_ENABLED=0 go mod init helper >/dev/null 2>&1 && CGO_ENABLED=0 go build -trimpath -o helper .)
evict_programs "$work/helper/helper" "$crun"

in_systemd --net
pu="$bin --root $work/podunit --runroot $runroot --runtime crun"
inside $pu image import "$work/rootfs.tar" bench >/dev/null
spec_probe "$work/spec.json" "$runroot" "$pu" "sleep 600"
for i in 1 2 3; do
	mkdir -p "$work/b$i"
	cp -a "$work/rootfs" "$work/b$i/rootfs"
	kept_spec "$work/spec.json" "$work/b$i/config.json" "$work/b$i/rootfs" "/system.slice/bench-member$i.service/container" sleep 600
done

# One round of one way (inside the sandbox): prints "way wall_us cpu_us".
{
	echo '#!/bin/bash'
	declare -f cgroup_cpu
	cat <<'EOF'
set -eu
way=$1 work=$2 crun=$3
state=/run/podunit-bench-member-crun
exe=$crun holder=
if [ "$way" = sealed ]; then # the copy, held by a process of its own while the units start
	python3 -c '
import fcntl, os, sys, time
fd = os.memfd_create("crun", os.MFD_ALLOW_SEALING)
with open(sys.argv[1], "rb") as f:
    os.write(fd, f.read())
fcntl.fcntl(fd, 1033, 15)  # F_ADD_SEALS: seal, shrink, grow, write (what crun checks)
os.dup2(fd, 9)
print(os.getpid(), flush=True)
time.sleep(60)
' "$crun" >"$work/holder" &
	disown
	while [ ! -s "$work/holder" ]; do sleep 0.01; done
	holder=$(cat "$work/holder")
	exe=/proc/$holder/fd/9
fi
props=(-p Delegate=yes -p KillSignal=SIGKILL -p CollectMode=inactive-or-failed)
c0=$(cgroup_cpu) t0=$(date +%s%N)
for i in 1 2 3; do
	unit=bench-member$i pid=/run/bench-member$i.pid
	case $way in
	helper) systemd-run -q --unit "$unit" -p Type=notify -p NotifyAccess=all "${props[@]}" \
		"$work/helper/helper" "$crun" "$state" "$work/b$i" "$pid" "$unit" & ;;
	*) systemd-run -q --unit "$unit" -p Type=forking -p PIDFile="$pid" "${props[@]}" \
		"$exe" --root "$state" create --bundle "$work/b$i" --pid-file "$pid" "$unit" & ;;
	esac
done
wait
for i in 1 2 3; do "$crun" --root "$state" start "bench-member$i"; done
t1=$(date +%s%N) c1=$(cgroup_cpu)
echo "$way $(((t1 - t0) / 1000)) $(((c1 - c0) / 1000))"
for i in 1 2 3; do
	systemctl stop "bench-member$i"
	"$crun" --root "$state" delete -f "bench-member$i" 2>/dev/null || true
done
systemctl reset-failed 2>/dev/null || true
[ -z "$holder" ] || { kill "$holder"; rm -f "$work/holder"; }
EOF
} >"$work/round"
chmod +x "$work/round"

for _ in 1 2; do for way in helper crun sealed; do inside "$work/round" "$way" "$work" "$crun" >/dev/null; done; done
: >"$work/times"
for r in $(seq "$runs"); do
	case $((r % 3)) in 0) order="helper crun sealed" ;; 1) order="crun sealed helper" ;; *) order="sealed helper crun" ;; esac
	for way in $order; do inside "$work/round" "$way" "$work" "$crun" | sed "s/^/$r /" >>"$work/times"; done
done
python3 - "$work/times" "$runs" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY'
import random, statistics, sys
wall, cpu = {}, {}
for line in open(sys.argv[1]):
    r, way, w, c = line.split()
    wall.setdefault(way, {})[int(r)] = int(w) / 1000
    cpu.setdefault(way, {})[int(r)] = int(c) / 1000
print(f"member-unit.sh: {sys.argv[2]} rounds, load {sys.argv[3]}; three members' units started, their inits released")
print(f"{'way':8} {'wall ms':>8} {'CPU ms':>8}")
for way in ("helper", "crun", "sealed"):
    print(f"{way:8} {statistics.median(wall[way].values()):8.1f} {statistics.median(cpu[way].values()):8.1f}")
rng = random.Random(1)
for a, b in (("helper", "crun"), ("helper", "sealed"), ("crun", "sealed")):
    for title, t in (("wall", wall), ("CPU", cpu)):
        d = [t[a][r] - t[b][r] for r in t[a] if r in t[b]]
        boot = sorted(statistics.median(rng.choices(d, k=len(d))) for _ in range(2000))
        print(f"{a} - {b} ({title}): {statistics.median(d):+7.1f} ms [{boot[50]:+.1f}, {boot[1949]:+.1f}]")
PY
