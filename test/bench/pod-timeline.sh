#!/usr/bin/env bash
# pod-timeline.sh: the critical path of `pod start` (3 members, direct
# starts) as a timeline: uprobes (perf probe) on the entry of the command's
# functions that begin each step, and the exec and exit of the processes
# systemd starts for the members (the direct start's shell line, the
# runtime's create, run through the bundle's runtime-exe link, the
# containers' own), in ms after the command's exec, medians over RUNS pod
# starts. Where phases.sh times one command's phases, this shows what the
# command waits for: PID 1 making the units one after another, the creates.
# The n-th mark of a kind is its n-th hit in a run (three members: three of
# most), so a column pairs marks by order, not by member.
# As root after `make build`, under test/sandbox.sh's systemd where PID 1 is
# not systemd; each pod is made anew before its timed start (untimed).
#   RUNS=8 test/bench/pod-timeline.sh
set -euo pipefail
. "$(dirname "$0")/lib.sh"
runs=${RUNS:-8}
work=/var/lib/podunit-bench-timeline
command -v perf >/dev/null || { echo "pod-timeline.sh: perf is missing (apt-get install linux-perf)" >&2; exit 1; }

busybox_rootfs "$work"
in_systemd --net
pu="$bin --root $work/root --runroot /run/podunit-bench-timeline --runtime crun"
inside $pu image import "$work/rootfs.tar" bench >/dev/null

# label=symbol, in the order a start passes them
e=github.com/podunit/podunit/engine
marks=(
	main=main.main
	engineNew=$e.New
	podStart=$e.\(\*Engine\).PodStart
	podOp=$e.\(\*Engine\).podOp
	connect=$e.\(\*Engine\).connect
	podQueue=$e.\(\*Engine\).podQueue
	pin=$e/network.Pin
	startMembers=$e.\(\*Engine\).startMembers
	prepare=$e.\(\*Engine\).prepare
	specGenerate=$e/spec.Generate
	queue=$e/systemd.\(\*Conn\).QueueTransient
	jobWait=$e/systemd.\(\*Job\).Wait
	unitCreated=$e/oci.\(\*Runtime\).UnitCreated
	release=$e/oci.\(\*Runtime\).StartExec
	recordRunning=$e.storeRecorder.Running
	close=$e.\(\*Engine\).Close
)
perf probe -q -d 'probe_podunit:*' 2>/dev/null || true
trap 'perf probe -q -d "probe_podunit:*" 2>/dev/null || true; stop_sandbox' EXIT
events=(-e sched:sched_process_exec -e sched:sched_process_exit)
for m in "${marks[@]}"; do
	perf probe -q -x "$bin" -a "pu_${m%%=*}=${m#*=}"
	events+=(-e "probe_podunit:pu_${m%%=*}")
done
out=$(mktemp -d)
prep="$pu pod rm -f -t 0 p >/dev/null 2>&1; $pu pod create --network none --name p >/dev/null &&
	for m in a b c; do $pu create --pod p --name p-\$m --stop-signal KILL bench sleep 600 >/dev/null || exit 1; done"
for i in $(seq 0 "$runs"); do
	inside sh -c "$prep"
	sleep 0.2
	# the first start warms the caches and is not counted
	perf record -q -a -o "$out/perf.data" "${events[@]}" -- $prefix $pu pod start p >/dev/null 2>&1
	[ "$i" -eq 0 ] && continue
	perf script -i "$out/perf.data" -F comm,pid,tid,time,event 2>/dev/null >>"$out/script.txt"
	echo "=== end" >>"$out/script.txt"
done
inside sh -c "$pu pod rm -f -t 0 p >/dev/null 2>&1" || true
python3 - "$out/script.txt" "$runs" <<'PY'
import collections, re, statistics, sys
runs, cur = [], []
for line in open(sys.argv[1]):
    if line.startswith("=== end"):
        runs.append(cur); cur = []
        continue
    m = re.match(r"\s*(\S+)\s+(\d+)/(\d+)\s+([\d.]+):\s+(\S+):", line)
    if m:
        cur.append((m.group(1), int(m.group(2)), float(m.group(4)) * 1000, m.group(5), int(m.group(3))))
marks = collections.defaultdict(list)
for r in runs:
    hit = [x for x in r if x[3] == "probe_podunit:pu_podStart"]
    if not hit:
        continue
    pid = hit[0][1]
    execs = [x[2] for x in r if x[1] == pid and x[3] == "sched:sched_process_exec"]
    if not execs:
        continue
    t0, seen = execs[0], collections.Counter()
    for comm, p, t, ev, tid in r:
        if t < t0:
            continue
        if p == pid:
            kind = ev.split(":")[-1]
            k = {"sched_process_exec": "exec", "sched_process_exit": "exit"}.get(kind, kind.replace("pu_", ""))
            if k == "exit" and tid != pid:
                continue  # a thread of the command's (the pin's, say)
        elif comm in ("sh", "runtime-exe", "sleep"):
            k = comm + (" exec" if ev.endswith("exec") else " exit")
        else:
            continue
        seen[k] += 1
        marks[(k, seen[k])].append(t - t0)
print(f"pod-timeline.sh: {len(runs)} pod starts of 3 members; ms after the command's exec (medians)")
print(f"{'mark':28} {'median':>7} {'runs':>5}")
for (k, n), v in sorted(marks.items(), key=lambda kv: statistics.median(kv[1])):
    if len(v) * 2 >= len(runs):
        print(f"{k + ' #' + str(n):28} {statistics.median(v):7.1f} {len(v):5d}")
PY
rm -rf "$out"
