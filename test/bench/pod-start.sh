#!/usr/bin/env bash
# pod-start.sh: median wall time from `pod create` with 3 members to all 3
# running, for podunit and (when installed) Podman 4.3.1, under a real systemd
# (test/sandbox.sh where PID 1 is not systemd), in alternating rounds, and the
# resident memory of every process that runs for a pod besides its members. As
# root, after `make build`.
# BASE=/path/to/older/podunit measures an older build beside this one, on a
# store of its own (a build of another schema version refuses this one's).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
work=/var/lib/podunit-bench-pod
runs=${RUNS:-10}

busybox_rootfs "$work"

in_systemd --net # bridges and rules, if any, stay inside
pu="$bin --root $work/podunit --runroot /run/podunit-bench-pod --runtime crun"
inside $pu image import "$work/rootfs.tar" bench >/dev/null
# each system's chain is a script of its own: `sh FILE` is what is timed
cat >"$work/up-podunit" <<EOF
$pu pod create --network none --name p >/dev/null
for m in a b c; do $pu create --pod p --name \$m --stop-signal KILL bench sleep 600 >/dev/null; done
$pu pod start p >/dev/null
EOF
pu_up="sh $work/up-podunit"
pu_down="$pu pod rm -f -t 0 p >/dev/null 2>&1 || true"
ups=("$pu_up")
downs=("$pu_down")
labels=(podunit)
if command -v podman >/dev/null; then
	pm="podman --root $work/podman --runroot /run/podunit-bench-pod-podman --events-backend none"
	inside $pm import "$work/rootfs.tar" localhost/bench >/dev/null
	ul="--ulimit nofile=$(ulimit -Hn):$(ulimit -Hn) --ulimit nproc=4096:4096"
	cat >"$work/up-podman" <<EOF
$pm pod create --network none --name p >/dev/null
for m in a b c; do $pm create --pod p --name \$m $ul --network none localhost/bench sleep 600 >/dev/null; done
$pm pod start p >/dev/null
EOF
	ups+=("sh $work/up-podman")
	downs+=("$pm pod rm -f -t 0 p >/dev/null 2>&1 || true")
	labels+=(podman)
fi
if [ -n "${BASE:-}" ]; then # BASE=/path/to/older/podunit, on a store of its own (schemas differ)
	pb="$BASE --root $work/podunit-base --runroot /run/podunit-bench-pod-base --runtime crun"
	inside $pb image import "$work/rootfs.tar" bench >/dev/null
	sed "s|$pu|$pb|" "$work/up-podunit" >"$work/up-base"
	ups+=("sh $work/up-base")
	downs+=("${pu_down//$pu/$pb}")
	labels+=("base build")
fi
# Rounds alternate between the systems (lib.sh's alternate_prep; the order turns
# each round), so that the machine's drift over the run weighs on each alike:
# the ratio is the median of the rounds' own ratios, with a 95 % bootstrap
# interval. Before each chain every system's pod goes (the builds' units share
# names, and no other system's pod runs meanwhile).
all_down=$(printf '%s; ' "${downs[@]}")
pairs=()
for up in "${ups[@]}"; do pairs+=("$all_down" "$up"); done
alternate_prep "$work/pod.json" "$runs" "${pairs[@]}"
inside sh -c "$all_down"
# what runs for the pod besides its members: everything in the pod's slice or
# cgroups that is not a member's sleep (podunit), and podman's conmon + infra
inside sh -c "$pu_down"
inside sh -c "$pu_up"
echo "== processes in podunit's pod slice that are not members:"
inside sh -c 'for p in /proc/[0-9]*; do grep -q "podunit-p.slice" $p/cgroup 2>/dev/null || continue; c=$(cat $p/comm); [ "$c" = sleep ] || echo "${p#/proc/} $c $(grep VmRSS $p/status)"; done; echo "(end)"'
inside sh -c "$pu_down"
if [ "${labels[1]:-}" = podman ]; then
	inside sh -c "${downs[1]}"
	inside sh -c "${ups[1]}"
	echo "== podman's per-pod processes (conmon, infra):"
	inside sh -c 'for p in /proc/[0-9]*; do c=$(cat $p/comm 2>/dev/null); case $c in conmon|catatonit|podman-pause) echo "${p#/proc/} $c $(grep VmRSS $p/status)";; esac; done'
	inside sh -c "${downs[1]}"
fi
python3 - "$work/pod.json" "${labels[@]}" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
for label, x in zip(sys.argv[2:], r):
    print(f"{label}: pod create + 3 members + pod start, median {x['median'] * 1000:.0f} ms")
PY
for i in "${!labels[@]}"; do
	[ "$i" = 0 ] || echo "podunit / ${labels[$i]} = $(ratio_line "$work/pod.json" 0 "$i") over $runs alternating rounds"
done
