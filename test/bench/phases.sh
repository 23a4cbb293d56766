#!/usr/bin/env bash
# phases.sh: where the wall time of one podunit command goes, phase by phase.
# It puts uprobes (perf probe) on the entry of the functions that start each
# phase of `podunit run --rm IMAGE true` and on process exec/exit, records RUNS
# runs and prints, per phase, the median time from one mark to the next.
# Uprobes cost a few microseconds each; the marks are function entries only
# (Go's stack moves make return probes unsafe). As root, after `make build`;
# run on a quiet machine. Usage: test/bench/phases.sh [-- podunit args...]
#   RUNS=50 RUNTIME=runc test/bench/phases.sh
# SYSTEMD=1 runs the command under a real systemd (test/sandbox.sh where PID 1
# is not systemd), where an attached run first asks for a scope:
#   SYSTEMD=1 RUNTIME=crun test/bench/phases.sh
# MARKS="label=symbol ..." adds marks of one's own to the list (a finer look
# inside one phase), e.g. MARKS='seccompKey=github.com/podunit/podunit/engine/oci.\(\*Runtime\).seccompKey'.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
runs=${RUNS:-50}
rt=${RUNTIME:-runc}
work=${WORK:-/var/lib/podunit-bench}
command -v perf >/dev/null || { echo "phases.sh: perf is missing (apt-get install linux-perf)" >&2; exit 1; }
pu=("$bin" --root "$work/podunit/root" --runroot /run/podunit-bench/podunit)
if ! "${pu[@]}" image exists bench 2>/dev/null; then
	echo "phases.sh: no image 'bench' in $work: run test/bench/run-rm.sh once first" >&2
	exit 1
fi
prefix=""
[ -n "${SYSTEMD:-}" ] && in_systemd --net # sets prefix: the words that run a command under it
# shellcheck disable=SC2206 # prefix is words
cmd=($prefix "${pu[@]}" --runtime "$rt" run --rm --network none bench true)
# shellcheck disable=SC2206
[ "${1:-}" = "--" ] && { shift; cmd=($prefix "${pu[@]}" "$@"); }

# label=symbol, in the order a run passes them
marks=(
	main=main.main
	appEngine=main.\(\*app\).engine
	engineNew=github.com/podunit/podunit/engine.New
	stateOpen=github.com/podunit/podunit/engine/state.OpenChecked
	create=github.com/podunit/podunit/engine.\(\*Engine\).Create
	resolveImage=github.com/podunit/podunit/engine/image.\(\*Store\).Resolve
	createRootfs=github.com/podunit/podunit/engine/image.\(\*Store\).CreateRootfs
	storageCreate=go.podman.io/storage.\(\*store\).CreateContainer
	addRecord=github.com/podunit/podunit/engine/state.\(\*Store\).AddContainer
	prepare=github.com/podunit/podunit/engine.\(\*Engine\).prepareAttached
	mountRootfs=github.com/podunit/podunit/engine.\(\*Engine\).mountRootfs
	storageInput=github.com/podunit/podunit/engine.\(\*Engine\).storageInput
	setupNetwork=github.com/podunit/podunit/engine.\(\*Engine\).setupNetwork
	specGenerate=github.com/podunit/podunit/engine/spec.Generate
	runtimeRun=github.com/podunit/podunit/engine/oci.\(\*Runtime\).Run
	recordRunning=github.com/podunit/podunit/engine.\(\*Engine\).recordRunning
	finish=github.com/podunit/podunit/engine.\(\*Engine\).finish
	updateRecord=github.com/podunit/podunit/engine/state.\(\*Store\).UpdateContainer
	release=github.com/podunit/podunit/engine.\(\*Engine\).release
	unmount=github.com/podunit/podunit/engine/image.\(\*Store\).Unmount
	remove=github.com/podunit/podunit/engine.\(\*Engine\).Remove
	deleteRootfs=github.com/podunit/podunit/engine/image.\(\*Store\).DeleteRootfs
	storageDelete=go.podman.io/storage.\(\*store\).DeleteContainer
	removeRecord=github.com/podunit/podunit/engine/state.\(\*Store\).RemoveContainer
	close=github.com/podunit/podunit/engine.\(\*Engine\).Close
)
# shellcheck disable=SC2206 # MARKS is words
marks+=(${MARKS:-})
perf probe -q -d 'probe_podunit:*' 2>/dev/null || true
trap 'perf probe -q -d "probe_podunit:*" 2>/dev/null || true; stop_sandbox' EXIT
events=(-e sched:sched_process_exec -e sched:sched_process_exit)
for m in "${marks[@]}"; do
	perf probe -q -x "$bin" -a "pu_${m%%=*}=${m#*=}" 2>/dev/null
	events+=(-e "probe_podunit:pu_${m%%=*}")
done
out=$(mktemp -d)
for _ in 1 2 3; do "${cmd[@]}" >/dev/null; done # warm caches
perf record -q -o "$out/perf.data" "${events[@]}" -- bash -c \
	'for i in $(seq '"$runs"'); do "$@" >/dev/null; done' phases "${cmd[@]}" 2>/dev/null
perf script -i "$out/perf.data" -F comm,pid,tid,time,event 2>/dev/null >"$out/script.txt"
python3 - "$out/script.txt" <<'PY'
import re, statistics, sys
# one process per run: the podunit exec (by pid) until its exit
runs, cur = [], None
for line in open(sys.argv[1]):
    m = re.match(r'\s*(\S+)\s+(\d+)/(\d+)\s+([\d.]+):\s+(\S+):', line)
    if not m:
        continue
    comm, pid, tid, t, ev = m.group(1), int(m.group(2)), int(m.group(3)), float(m.group(4)) * 1000, m.group(5)
    if ev == 'sched:sched_process_exec' and comm == 'podunit':
        cur = {'pid': pid, 'marks': [('exec', t)]}
        runs.append(cur)
    elif cur and pid == cur['pid']:
        if ev.startswith('probe_podunit:pu_'):
            cur['marks'].append((ev.split('pu_', 1)[1], t))
        elif ev == 'sched:sched_process_exit' and tid == pid:
            cur['marks'].append(('exit', t))
            cur = None
phases = {}
totals = []
for r in runs:
    ms = r['marks']
    if ms[-1][0] != 'exit':
        continue
    totals.append(ms[-1][1] - ms[0][1])
    seen = {}
    for (a, ta), (b, tb) in zip(ms, ms[1:]):
        k = f'{a} -> {b}'
        seen[k] = seen.get(k, 0) + (tb - ta)
    for k, v in seen.items():
        phases.setdefault(k, []).append(v)
print(f'{len(totals)} runs, median exec -> exit {statistics.median(totals):.1f} ms')
print(f'{"phase (from mark to next mark)":44} {"median ms":>9} {"runs":>5}')
order = []
for r in runs:
    for (a, _), (b, _) in zip(r['marks'], r['marks'][1:]):
        k = f'{a} -> {b}'
        if k not in order:
            order.append(k)
for k in order:
    v = phases.get(k, [])
    if v:
        print(f'{k:44} {statistics.median(v):9.2f} {len(v):5d}')
PY
rm -rf "$out"
