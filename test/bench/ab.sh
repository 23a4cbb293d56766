#!/usr/bin/env bash
# ab.sh: two podunit builds side by side, round by round. Each round runs one
# scenario with build A (PODUNIT, default bin/podunit) and then with build B
# (BASE), in turns (A first in odd rounds, B first in even ones), so the
# machine's drift over a run (page cache, a timer firing, a neighbour's load)
# falls on both alike; hyperfine runs each command's runs in one block, where
# a drift of a few ms lands on one build only. It prints, per timed step, the
# medians of A and B and the median of the paired differences B - A with a 95 %
# bootstrap interval: an interval that holds 0 shows no difference. Then the same
# for the CPU time the sandbox's cgroup (everything under its systemd: the
# command, PID 1, the units, the runtime) used during each step: on a machine
# whose neighbours' load moves the wall times, CPU time moves less.
# Under a real systemd (test/sandbox.sh where PID 1 is not systemd), crun, as
# root after `make build`; each build has a store of its own (schemas differ).
#   BASE=/path/to/podunit [RUNS=40] [SCENARIO=run-rm] [FILL=N] test/bench/ab.sh
# FILL=N first creates N containers in each build's store (what grows with the
# store: storage's container and layer lists, read whole and rewritten).
# Scenarios (the timed steps in brackets):
#   run-rm   run --rm --network none IMAGE true                      [run-rm]
#   run-d    run -d, then stop, then rm (untimed)                    [run-d stop]
#   create   create, then rm (untimed)                               [create]
#   pod      pod create, 3 × create --pod, pod start; pod rm -f      [pod-create create-a
#            (untimed)                                                create-b create-c
#                                                                     pod-start total]
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ -n "${BASE:-}" ] || { echo "ab.sh: BASE=/path/to/the/other/podunit is required" >&2; exit 1; }
[ -x "$BASE" ] || { echo "ab.sh: BASE $BASE is not an executable" >&2; exit 1; }
runs=${RUNS:-40}
scenario=${SCENARIO:-run-rm}
case $scenario in run-rm | run-d | create | pod) ;; *)
	echo "ab.sh: SCENARIO $scenario: one of run-rm, run-d, create, pod" >&2
	exit 1
	;;
esac
work=/var/lib/podunit-bench-ab
runroot=/run/podunit-bench-ab

busybox_rootfs "$work"
in_systemd --net
a="$bin --root $work/a --runroot $runroot/a --runtime crun"
b="$BASE --root $work/b --runroot $runroot/b --runtime crun"
inside $a image import "$work/rootfs.tar" bench >/dev/null
inside $b image import "$work/rootfs.tar" bench >/dev/null
fill=${FILL:-0}
case $fill in *[!0-9]*) echo "ab.sh: FILL=$fill: a number of containers" >&2; exit 1 ;; esac
if [ "$fill" -gt 0 ]; then
	for pu in "$a" "$b"; do
		inside sh -c "i=0; while [ \$i -lt $fill ]; do $pu create --name fill\$i bench true >/dev/null || exit 1; i=\$((i + 1)); done"
	done
fi

# One round of the scenario with the podunit command line in $1: prints
# "step microseconds" per timed step. Runs inside the sandbox.
{
	echo '#!/bin/bash'
	declare -f cgroup_cpu
	cat <<'EOF'
set -eu
pu=$1 scenario=$2
now() { date +%s%N; }
timed() { # timed STEP CMD...: runs CMD, prints STEP, its wall time and the CPU used meanwhile (us)
	local t0 t1 c0 c1
	c0=$(cgroup_cpu) t0=$(now)
	"${@:2}" >/dev/null
	t1=$(now) c1=$(cgroup_cpu)
	echo "$1 $(((t1 - t0) / 1000)) $(((c1 - c0) / 1000))"
}
case $scenario in
run-rm) timed run-rm $pu run --rm --network none bench true ;;
run-d)
	timed run-d $pu run -d --name ab --network none bench sh -c 'trap "exit 0" TERM; sleep 600 & wait'
	timed stop $pu stop ab
	$pu rm ab >/dev/null
	;;
create)
	timed create $pu create --name ab --network none bench true
	$pu rm ab >/dev/null
	;;
pod)
	c0=$(cgroup_cpu) t0=$(now)
	timed pod-create $pu pod create --network none --name abp
	for m in a b c; do
		timed create-$m $pu create --pod abp --name ab$m --stop-signal KILL bench sleep 600
	done
	timed pod-start $pu pod start abp
	echo "total $((($(now) - t0) / 1000)) $((($(cgroup_cpu) - c0) / 1000))"
	$pu pod rm -f -t 0 abp >/dev/null
	;;
esac
EOF
} >"$work/round"
chmod +x "$work/round"

for _ in 1 2 3; do # warm both: page cache, the seccomp program crun keeps
	inside "$work/round" "$a" "$scenario" >/dev/null
	inside "$work/round" "$b" "$scenario" >/dev/null
done
: >"$work/times"
for i in $(seq "$runs"); do
	if [ $((i % 2)) = 1 ]; then order="a b"; else order="b a"; fi
	for which in $order; do
		if [ "$which" = a ]; then pu=$a; else pu=$b; fi
		inside "$work/round" "$pu" "$scenario" | sed "s/^/$i $which /" >>"$work/times"
	done
done

python3 - "$work/times" "$scenario" "$runs" "$(cut -d' ' -f1-3 /proc/loadavg)" "$fill" <<'PY'
import random, statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
wall, cpu = {}, {}  # step -> which -> round -> ms
for rnd, which, step, us, cpu_us in rows:
    wall.setdefault(step, {}).setdefault(which, {})[int(rnd)] = int(us) / 1000
    cpu.setdefault(step, {}).setdefault(which, {})[int(rnd)] = int(cpu_us) / 1000
print(f"ab.sh {sys.argv[2]}: {sys.argv[3]} rounds, {sys.argv[5]} containers filled in, load {sys.argv[4]}; A = this build, B = BASE")
rng = random.Random(1)
for title, t in (("wall time", wall), ("CPU time of the sandbox", cpu)):
    print(f"{'step (' + title + ')':32} {'A median':>9} {'B median':>9} {'B - A':>8}   95 % interval")
    for step, by in t.items():
        rounds = sorted(set(by.get('a', {})) & set(by.get('b', {})))
        d = [by['b'][r] - by['a'][r] for r in rounds]
        boot = sorted(statistics.median(rng.choices(d, k=len(d))) for _ in range(2000))
        lo, hi = boot[50], boot[1949]
        print(f"{step:32} {statistics.median(by['a'].values()):8.2f}  {statistics.median(by['b'].values()):8.2f}"
              f"  {statistics.median(d):+7.2f}   [{lo:+.2f}, {hi:+.2f}] ms")
PY
