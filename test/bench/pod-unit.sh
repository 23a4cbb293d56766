#!/usr/bin/env bash
# pod-unit.sh: median wall time from `systemctl start pod-p.service` (units
# written by `generate systemd --new --files`) until the pod's three member units
# are active, for podunit and (when installed) Podman 4.3.1, under a real systemd
# (test/sandbox.sh where PID 1 is not systemd). Runs alternate between the two
# engines, so a drift of the machine hits both alike. As root, after `make build`.
# RUNS=N (default 10).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
work=/var/lib/podunit-bench-podunit-unit
runs=${RUNS:-10}

busybox_rootfs "$work"

in_systemd

# units ENGINE DIR: make pod p with members a, b, c, write its --new units into
# the unit directory, remove the pod (the units make it again), reload.
units() {
	local eng=$1 ul=$2
	inside sh -c "$eng pod create --network none --name p >/dev/null &&
		for m in a b c; do $eng create --pod p --name \$m $ul bench sleep 600 >/dev/null; done &&
		cd /etc/systemd/system && $eng generate systemd --new --files --name p >/dev/null &&
		$eng pod rm -f -t 0 p >/dev/null && systemctl daemon-reload"
}

pu="$bin --root $work/podunit --runroot /run/podunit-bench-unit --runtime crun"
inside $pu image import "$work/rootfs.tar" bench >/dev/null
labels=(podunit)
engines=("$pu")
if command -v podman >/dev/null; then
	pm="podman --root $work/podman --runroot /run/podunit-bench-unit-podman --events-backend none"
	inside $pm import "$work/rootfs.tar" localhost/bench >/dev/null
	labels+=(podman)
	engines+=("$pm")
fi

# start ENGINE: start the pod's unit and wait until the members' units are
# active; prints ms, or "failed" when a member is not active within 20 s
# (Podman 4.3.1's generated units here, now and then: a member's conmon is gone
# and its unit never starts). The members are named beside the pod unit in the
# one systemctl call: the pod unit's Wants= puts the same jobs in the same
# transaction, and systemctl waits for each job's end (a notify unit's at its
# READY=1) instead of a loop of `systemctl is-active` processes, whose own
# starts took the CPU the members' starts need.
members="container-a.service container-b.service container-c.service"
start() {
	inside sh -c "s=\$(date +%s%N); timeout 20 systemctl start pod-p.service $members; e=\$(date +%s%N);
		for u in $members; do systemctl -q is-active \$u ||
			{ systemctl --no-pager -n 30 status pod-p.service $members >&2; echo failed; exit 0; }; done;
		echo \$(( (e - s) / 1000 ))"
}
# stop ENGINE: stop the units (Podman's take seconds to stop here, so the pod is
# removed beside them), wait until none is active and no job is left, forget
# failures. Both engines' units have the same names: a stop job still queued
# for one engine's container-b.service would stop the other's next start of it.
stop() {
	inside sh -c "systemctl stop --no-block pod-p.service $members; $1 pod rm -f -t 0 p >/dev/null 2>&1;
		for u in pod-p.service $members; do n=0; while systemctl -q is-active \$u && [ \$n -lt 3000 ]; do sleep 0.01; n=\$((n+1)); done; done;
		n=0; while [ -n \"\$(systemctl list-jobs --no-legend)\" ] && [ \$n -lt 12000 ]; do sleep 0.01; n=\$((n+1)); done;
		systemctl kill -s KILL pod-p.service $members >/dev/null 2>&1 || true
		systemctl reset-failed >/dev/null 2>&1 || true"
}

declare -A times
for i in "${!engines[@]}"; do
	ul="--stop-signal KILL"
	if [ "${labels[$i]}" = podman ]; then # no CAP_SYS_RESOURCE here: Podman's default ulimits fail
		ul="--ulimit nofile=$(ulimit -Hn):$(ulimit -Hn) --ulimit nproc=4096:4096 --network none --stop-signal KILL"
	fi
	units "${engines[$i]}" "$ul"
	start >/dev/null && stop "${engines[$i]}" # warm up, and check the units work
	inside sh -c 'mkdir -p /run/bench-units && mv /etc/systemd/system/pod-p.service /etc/systemd/system/container-?.service /run/bench-units/'
	inside mkdir -p "/run/bench-units-$i"
	inside sh -c "mv /run/bench-units/* /run/bench-units-$i/"
done
for r in $(seq "$runs"); do
	for i in "${!engines[@]}"; do
		inside sh -c "cp /run/bench-units-$i/* /etc/systemd/system/ && systemctl daemon-reload"
		times[$i]+="$(start) "
		stop "${engines[$i]}"
		inside sh -c "cd /run/bench-units-$i && for f in *; do rm -f /etc/systemd/system/\$f; done && systemctl daemon-reload"
	done
done
# one argument per engine: its label, then its times (us, or "failed")
results=()
for i in "${!engines[@]}"; do results+=("${labels[$i]} ${times[$i]}"); done
python3 - "${results[@]}" <<'PY'
import statistics, sys
med = []
for arg in sys.argv[1:]:
    label, *runs = arg.split()
    v = [int(x) / 1000 for x in runs if x != "failed"]
    med.append((label, statistics.median(v)))
    print(f"{label}: systemctl start pod unit -> 3 members active, median {med[-1][1]:.0f} ms"
          f" (min {min(v):.0f}, max {max(v):.0f}, {len(v)} runs; {runs.count('failed')} failed)")
for label, m in med[1:]:
    print(f"podunit / {label} = {med[0][1] / m:.2f}x")
PY
