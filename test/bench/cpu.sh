#!/usr/bin/env bash
# cpu.sh: who spends the CPU of one podunit operation under systemd, and how
# much of the machine's CPU stays idle while it runs. On a machine with few
# cores an operation whose processes keep every core busy is bound by CPU:
# its wall time shrinks only with CPU taken away from some process, not by
# starting things earlier. perf records the scheduler's switches on every CPU
# (sched_switch, sched_process_fork, sched_process_exec) over one operation;
# each slice of CPU goes to the process that ran it, by kind:
#   podunit (command)     the podunit process the operation's command line starts
#   podunit (units)       podunit processes that systemd started (unit-start,
#                         pod unit-start, cleanup) and their children before exec
#   systemd (PID 1)       the service manager itself
#   systemd (forks)       its children before they exec (comm "(name)")
#   crun, runc            the runtime; container: what runs in the containers
#   dbus-daemon, systemd-journald, other, idle
# and the medians over RUNS operations are printed in ms of CPU time, beside
# the median wall time of the operation (perf's recording slows it a little).
# As root, after `make build`; test/sandbox.sh's systemd where PID 1 is not
# systemd. SCENARIO=pod (default: `pod start` of a created pod of 3 members,
# the CPU of its start only), run-rm (`run --rm true`), run-d (`run -d sleep`):
#   RUNS=10 SCENARIO=pod test/bench/cpu.sh
set -euo pipefail
. "$(dirname "$0")/lib.sh"
runs=${RUNS:-10}
scenario=${SCENARIO:-pod}
work=/var/lib/podunit-bench-cpu
command -v perf >/dev/null || { echo "cpu.sh: perf is missing (apt-get install linux-perf)" >&2; exit 1; }
case $scenario in pod | run-rm | run-d) ;; *)
	echo "cpu.sh: SCENARIO=$scenario: pod, run-rm or run-d" >&2
	exit 1
	;;
esac

busybox_rootfs "$work"
in_systemd --net
pid1=1
[ -n "${sb:-}" ] && pid1=$sb # the sandbox's systemd, by its PID on the host (perf's)
pu="$bin --root $work/podunit --runroot /run/podunit-bench-cpu --runtime crun"
inside $pu image import "$work/rootfs.tar" bench >/dev/null
case $scenario in
pod)
	setup="$pu pod rm -f -t 0 p >/dev/null 2>&1 || true; $pu pod create --network none --name p >/dev/null && for m in a b c; do $pu create --pod p --name \$m --stop-signal KILL bench sleep 600 >/dev/null; done"
	op="$pu pod start p"
	teardown="$pu pod rm -f -t 0 p >/dev/null 2>&1 || true"
	;;
run-rm)
	setup=true
	op="$pu run --rm --network none bench true"
	teardown=true
	;;
run-d)
	setup="$pu rm -f -t 0 d >/dev/null 2>&1 || true"
	op="$pu run -d --name d --network none --stop-signal KILL bench sleep 600"
	teardown="$pu rm -f -t 0 d >/dev/null 2>&1 || true"
	;;
esac
# two operations first, unrecorded: the runtime's seccomp program kept, caches warm
for i in 1 2; do inside sh -c "$setup; $op >/dev/null; $teardown"; done
for i in $(seq "$runs"); do
	inside sh -c "$setup"
	# shellcheck disable=SC2086 # op is words
	inside perf record -q -a -e sched:sched_switch -e sched:sched_process_fork -e sched:sched_process_exec \
		-o "$work/cpu-$i.data" -- $op >/dev/null 2>&1
	inside sh -c "$teardown"
done

python3 - "$pid1" "$work" "$runs" "$(basename "$bin")" <<'PY'
import collections, re, statistics, subprocess, sys
pid1, work, runs, build = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
me = build[:15]                 # the build's comm (PODUNIT= may name another file)
forked = "(" + build[-8:] + ")"  # systemd's name for its child before the exec: the last 8 characters
ev = re.compile(r"\s*\[(\d+)\]\s+([\d.]+):\s+sched:(\w+):\s+(.*)")
kinds = collections.defaultdict(list)
walls = []
for i in range(1, runs + 1):
    out = subprocess.run(["perf", "script", "-i", f"{work}/cpu-{i}.data", "-F", "cpu,time,event,trace"],
                         capture_output=True, text=True, check=True).stdout
    running = {}        # cpu -> (pid, since)
    unit = {pid1}       # PID 1 and every process forked from a unit's process
    command = set()     # the operation's podunit (the first to exec outside systemd), its threads and children
    sealed = set()      # processes run from /proc/self/fd/N (podunit's sealed copy of crun)
    spent = collections.Counter()
    t0 = t1 = None
    for line in out.splitlines():
        m = ev.match(line)
        if not m:
            continue
        cpu, t, name, trace = m.group(1), float(m.group(2)), m.group(3), m.group(4)
        t0 = t if t0 is None else t0
        t1 = t
        if name == "sched_process_fork":
            f = re.search(r"pid=(\d+) child_comm=.* child_pid=(\d+)", trace)
            if f and f.group(1) in sealed:
                sealed.add(f.group(2))
            if f and f.group(1) in unit:
                unit.add(f.group(2))
            elif f and f.group(1) in command:
                command.add(f.group(2))
            continue
        if name == "sched_process_exec":
            f = re.search(r"filename=(\S+) pid=(\d+)", trace)
            if f and not command and f.group(1).endswith("/" + build) and f.group(2) not in unit:
                command.add(f.group(2))
            if f and f.group(1).startswith("/proc/self/fd/"):
                sealed.add(f.group(2))  # crun run from podunit's sealed copy: its comm is the descriptor
            continue
        f = re.search(r"prev_comm=(.*) prev_pid=(\d+) .*next_comm=(.*) next_pid=(\d+)", trace)
        if not f:
            continue
        comm, pid = f.group(1), f.group(2)
        if cpu in running and running[cpu][0] == pid:
            if pid == "0":
                k = "idle"
            elif pid == pid1:
                k = "systemd (PID 1)"
            elif pid in sealed:
                k = "crun"
            elif comm == me:
                k = "podunit (command)" if pid in command else "podunit (units)" if pid in unit else "other podunit"
            elif comm.startswith("("):
                k = "podunit (units)" if comm == forked else "systemd (forks)"
            elif comm in ("crun", "runc", "dbus-daemon", "systemd-journal"):
                k = "systemd-journald" if comm == "systemd-journal" else comm
            elif comm in ("sleep", "true", "busybox"):
                k = "container"
            elif comm.startswith("perf"):
                k = "perf"
            else:
                k = "other"
            spent[k] += (t - running[cpu][1]) * 1000
        running[cpu] = (f.group(4), t)
    walls.append((t1 - t0) * 1000)
    for k, v in spent.items():
        kinds[k].append(v)
print(f"median wall time of the operation while recorded: {statistics.median(walls):.1f} ms; CPU time by kind (median ms):")
for k, v in sorted(kinds.items(), key=lambda kv: -statistics.median(kv[1] + [0] * (runs - len(kv[1])))):
    v = v + [0] * (runs - len(v))
    print(f"  {k:<20} {statistics.median(v):6.1f}")
PY
