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
pu_up="$pu pod create --network none --name p >/dev/null && for m in a b c; do $pu create --pod p --name \$m --stop-signal KILL bench sleep 600 >/dev/null; done && $pu pod start p >/dev/null"
pu_down="$pu pod rm -f -t 0 p >/dev/null 2>&1 || true"
cmds=("$pu_up")
prep=("$pu_down")
labels=(podunit)
if command -v podman >/dev/null; then
	pm="podman --root $work/podman --runroot /run/podunit-bench-pod-podman --events-backend none"
	inside $pm import "$work/rootfs.tar" localhost/bench >/dev/null
	ul="--ulimit nofile=$(ulimit -Hn):$(ulimit -Hn) --ulimit nproc=4096:4096"
	cmds+=("$pm pod create --network none --name p >/dev/null && for m in a b c; do $pm create --pod p --name \$m $ul --network none localhost/bench sleep 600 >/dev/null; done && $pm pod start p >/dev/null")
	prep+=("$pm pod rm -f -t 0 p >/dev/null 2>&1 || true")
	labels+=(podman)
fi
if [ -n "${BASE:-}" ]; then # BASE=/path/to/older/podunit, on a store of its own (schemas differ)
	pb="$BASE --root $work/podunit-base --runroot /run/podunit-bench-pod-base --runtime crun"
	inside $pb image import "$work/rootfs.tar" bench >/dev/null
	cmds+=("${pu_up//$pu/$pb}")
	prep+=("${pu_down//$pu/$pb}")
	labels+=("base build")
fi
# Rounds alternate between the systems (the order turns each round), so that
# the machine's drift over the run weighs on each alike: the ratio is the
# median of the rounds' own ratios, with a 95 % bootstrap interval.
cat >"$work/round" <<'EOF2'
#!/bin/sh
# round PREP CMD: runs PREP, then times CMD; prints its wall time in us
sh -c "$1"
t0=$(date +%s%N)
sh -c "$2"
t1=$(date +%s%N)
echo $(((t1 - t0) / 1000))
EOF2
chmod +x "$work/round"
for i in "${!cmds[@]}"; do # warm each: page cache, the seccomp program crun keeps
	inside "$work/round" "${prep[$i]}" "${cmds[$i]}" >/dev/null
	inside sh -c "${prep[$i]}" # the builds' units share names: the next must find none
done
: >"$work/pod-times"
for r in $(seq "$runs"); do
	order=$(seq 0 $((${#cmds[@]} - 1)))
	[ $((r % 2)) = 0 ] && order=$(echo "$order" | tac)
	for i in $order; do
		echo "$r $i $(inside "$work/round" "${prep[$i]}" "${cmds[$i]}")" >>"$work/pod-times"
		inside sh -c "${prep[$i]}"
	done
done
# what runs for the pod besides its members: everything in the pod's slice or
# cgroups that is not a member's sleep (podunit), and podman's conmon + infra
inside sh -c "$pu_down"
inside sh -c "$pu_up"
echo "== processes in podunit's pod slice that are not members:"
inside sh -c 'for p in /proc/[0-9]*; do grep -q "podunit-p.slice" $p/cgroup 2>/dev/null || continue; c=$(cat $p/comm); [ "$c" = sleep ] || echo "${p#/proc/} $c $(grep VmRSS $p/status)"; done; echo "(end)"'
inside sh -c "$pu_down"
if [ "${labels[1]:-}" = podman ]; then
	inside sh -c "${prep[1]}"
	inside sh -c "${cmds[1]}"
	echo "== podman's per-pod processes (conmon, infra):"
	inside sh -c 'for p in /proc/[0-9]*; do c=$(cat $p/comm 2>/dev/null); case $c in conmon|catatonit|podman-pause) echo "${p#/proc/} $c $(grep VmRSS $p/status)";; esac; done'
	inside sh -c "${prep[1]}"
fi
python3 - "$work/pod-times" "${labels[@]}" <<'PY'
import random, statistics, sys
labels = sys.argv[2:]
t = {}  # label -> round -> ms
for line in open(sys.argv[1]):
    r, i, us = line.split()
    t.setdefault(labels[int(i)], {})[int(r)] = int(us) / 1000
for label in labels:
    print(f"{label}: pod create + 3 members + pod start, median {statistics.median(t[label].values()):.0f} ms")
rng = random.Random(1)
for other in ("podman", "base build"):
    if other not in t:
        continue
    rounds = sorted(set(t["podunit"]) & set(t[other]))
    q = [t["podunit"][r] / t[other][r] for r in rounds]
    boot = sorted(statistics.median(rng.choices(q, k=len(q))) for _ in range(2000))
    print(f"podunit / {other} = {statistics.median(q):.3f}x, 95 % interval [{boot[50]:.3f}, {boot[1949]:.3f}] over {len(q)} alternating rounds")
PY
