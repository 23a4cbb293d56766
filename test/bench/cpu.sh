#!/usr/bin/env bash
# cpu.sh: who spends the CPU of one podunit operation under systemd, and how
# much of the machine's CPU stays idle while it runs. On a machine with few
# cores an operation whose processes keep every core busy is bound by CPU:
# its wall time shrinks only with CPU taken away from some process, not by
# starting things earlier. perf records the scheduler's switches on every CPU
# (sched_switch, sched_process_fork, sched_process_exec, sched_process_exit)
# over one operation; each slice of CPU goes to the process that ran it, by
# kind:
#   podunit (command)     the podunit process the operation's command line starts
#   podunit (units)       podunit processes that systemd started (unit-start or
#                         podunit-start, pod unit-start, cleanup) and their
#                         children before exec
#   systemd (PID 1)       the service manager itself
#   systemd (forks)       its children before they exec (comm "(name)")
#   crun, runc            the runtime (a direct start's create: comm runtime-exe);
#   sh (direct start)     a direct start's shell line before it executes the runtime;
#                         container: what runs in the containers
#   dbus-daemon, systemd-journald, other, idle
# and the medians over RUNS operations are printed in ms of CPU time, beside
# the median wall time of the operation (perf's recording slows it a little).
# Then the timeline, the operation's critical path: each process (threads
# summed) from its exec to its exit in ms after the command's exec, its CPU,
# and its time blocked in the kernel (switched out in D until it ran again:
# fsync, a cgroup move waiting for an RCU grace period, a vfork); a process
# systemd forks is blocked before its exec too (its cgroup attach).
# As root, after `make build`; test/sandbox.sh's systemd where PID 1 is not
# systemd. SCENARIO=pod (default: `pod start` of a created pod of 3 members,
# the CPU of its start only), run-rm (`run --rm true`), run-d (`run -d sleep`),
# pod-unit (`systemctl start` of a `generate systemd --new` pod unit and its 3
# members, as pod-unit.sh times it; its command is systemctl, not podunit):
#   RUNS=10 SCENARIO=pod test/bench/cpu.sh
set -euo pipefail
. "$(dirname "$0")/lib.sh"
runs=${RUNS:-10}
scenario=${SCENARIO:-pod}
work=/var/lib/podunit-bench-cpu
command -v perf >/dev/null || { echo "cpu.sh: perf is missing (apt-get install linux-perf)" >&2; exit 1; }
case $scenario in pod | run-rm | run-d | pod-unit) ;; *)
	echo "cpu.sh: SCENARIO=$scenario: pod, run-rm, run-d or pod-unit" >&2
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
pod-unit)
	members="container-a.service container-b.service container-c.service"
	inside sh -c "$pu pod rm -f -t 0 p >/dev/null 2>&1; $pu pod create --network none --name p >/dev/null &&
		for m in a b c; do $pu create --pod p --name \$m --stop-signal KILL bench sleep 600 >/dev/null; done &&
		cd /etc/systemd/system && $pu generate systemd --new --files --name p >/dev/null &&
		$pu pod rm -f -t 0 p >/dev/null && systemctl daemon-reload"
	setup=true
	op="systemctl start pod-p.service $members"
	teardown="systemctl stop pod-p.service $members; $pu pod rm -f -t 0 p >/dev/null 2>&1 || true; systemctl reset-failed"
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
	inside perf record -q -a -e sched:sched_switch -e sched:sched_process_fork -e sched:sched_process_exec -e sched:sched_process_exit \
		-o "$work/cpu-$i.data" -- $op >/dev/null 2>&1
	inside sh -c "$teardown"
done

python3 - "$pid1" "$work" "$runs" "$(basename "$bin")" <<'PY'
import collections, os, re, statistics, subprocess, sys
pid1, work, runs, build = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
me = build[:15]                 # the build's comm (PODUNIT= may name another file)
forked = "(" + build[-8:] + ")"  # systemd's name for its child before the exec: the last 8 characters
# "NSPID/NSTID [CPU] TIME: sched:EVENT: TRACE": the sample's ids are perf's (the
# sandbox's PID namespace), the trace's the kernel's; a switch names both for
# the task it switches out, which ties a thread to its process
ev = re.compile(r"\s*(-?\d+)/(-?\d+)\s+\[(\d+)\]\s+([\d.]+):\s+sched:(\w+):\s+(.*)")
kinds = collections.defaultdict(list)
walls = []
rows = collections.defaultdict(list)  # (kind, name, n-th of them) -> [(start, end, cpu, blocked)] over the runs
for i in range(1, runs + 1):
    out = subprocess.run(["perf", "script", "-i", f"{work}/cpu-{i}.data", "-F", "pid,tid,cpu,time,event,trace"],
                         capture_output=True, text=True, check=True).stdout
    running = {}        # cpu -> (pid, since)
    unit = {pid1}       # PID 1 and every process forked from a unit's process
    command = set()     # the operation's podunit (the first to exec outside systemd), its threads and children
    sealed = set()      # processes run from /proc/self/fd/N (podunit's sealed copy of crun)
    spent = collections.Counter()
    tidcpu = collections.Counter()   # kernel tid -> CPU ms
    tidkind = {}                     # kernel tid -> its kind, as last seen running
    blocked = collections.Counter()  # kernel tid -> ms from a switch out in D until it ran again
    dsince = {}
    nsid = {}                        # kernel tid -> (perf's pid, perf's tid)
    kernel_of = {}                   # perf's tid -> kernel tid
    started, ended, names = {}, {}, {}  # kernel pid -> exec (or fork) time, exit time, program
    comms = {}                           # kernel tid -> its comm, as switched out
    t0 = t1 = tcmd = None
    for line in out.splitlines():
        m = ev.match(line)
        if not m:
            continue
        spid, stid, cpu, t, name, trace = m.group(1), m.group(2), m.group(3), float(m.group(4)), m.group(5), m.group(6)
        t0 = t if t0 is None else t0
        t1 = t
        if name == "sched_process_fork":
            f = re.search(r"pid=(\d+) child_comm=(.*) child_pid=(\d+)", trace)
            if f and f.group(1) in sealed:
                sealed.add(f.group(3))
            if f and f.group(1) in unit:
                unit.add(f.group(3))
            elif f and f.group(1) in command:
                command.add(f.group(3))
            if f:
                started.setdefault(f.group(3), t)
                names.setdefault(f.group(3), f.group(2))
            continue
        if name == "sched_process_exec":
            f = re.search(r"filename=(\S+) pid=(\d+)", trace)
            if f and not command and f.group(1).endswith("/" + build) and f.group(2) not in unit:
                command.add(f.group(2))
                tcmd = t
            if f and f.group(1).startswith("/proc/self/fd/"):
                sealed.add(f.group(2))  # crun run from podunit's sealed copy: its comm is the descriptor
            if f:
                started[f.group(2)] = t
                names[f.group(2)] = "crun" if f.group(1).startswith("/proc/self/fd/") else os.path.basename(f.group(1))
            continue
        if name == "sched_process_exit":
            f = re.search(r"pid=(\d+)", trace)
            if f:
                ended[f.group(1)] = t
            continue
        f = re.search(r"prev_comm=(.*) prev_pid=(\d+) .*prev_state=(\S+) ==> next_comm=(.*) next_pid=(\d+)", trace)
        if not f:
            continue
        comm, pid = f.group(1), f.group(2)
        comms[pid] = comm
        nsid[pid] = (spid, stid)
        kernel_of[stid] = pid
        if f.group(3).startswith("D"):
            dsince[pid] = t
        if f.group(5) in dsince:
            blocked[f.group(5)] += (t - dsince.pop(f.group(5))) * 1000
        if cpu in running and running[cpu][0] == pid:
            if pid == "0":
                k = "idle"
            elif pid == pid1:
                k = "systemd (PID 1)"
            elif pid in sealed:
                k = "crun"
            elif comm == me:
                k = "podunit (command)" if pid in command else "podunit (units)" if pid in unit else "other podunit"
            elif comm == "podunit-start":
                k = "podunit (units)"
            elif comm.startswith("("):
                k = "podunit (units)" if comm in (forked, "(unit-start)") else "systemd (forks)"
            elif comm in ("crun", "runc", "dbus-daemon", "systemd-journal"):
                k = "systemd-journald" if comm == "systemd-journal" else comm
            elif comm == "runtime-exe":  # a direct start's create, run through the bundle's link
                k = "crun"
            elif comm == "sh":  # a direct start's shell line (ExecStart=), before it executes the runtime
                k = "sh (direct start)"
            elif comm in ("sleep", "true", "busybox"):
                k = "container"
            elif comm.startswith("perf"):
                k = "perf"
            else:
                k = "other"
            spent[k] += (t - running[cpu][1]) * 1000
            tidcpu[pid] += (t - running[cpu][1]) * 1000
            tidkind[pid] = k
        running[cpu] = (f.group(5), t)
    walls.append((t1 - t0) * 1000)
    for k, v in spent.items():
        kinds[k].append(v)
    # the timeline: threads summed into their process (by perf's ids), each
    # process from its exec (or fork) to its exit, relative to the command's exec
    procs = collections.defaultdict(lambda: [0.0, 0.0, None])  # leader's kernel tid -> CPU, blocked, kind
    for tid, c in tidcpu.items():
        spid = nsid.get(tid, ("", ""))[0]
        leader = kernel_of.get(spid, tid) if spid not in ("", "0", "-1") else tid
        if tidkind.get(tid) in ("idle", "perf", "other") or leader == "0":
            continue
        p = procs[leader]
        p[0] += c
        p[1] += blocked.get(tid, 0.0)
        if tid == leader or p[2] is None:
            p[2] = tidkind.get(tid)
    base = tcmd if tcmd is not None else t0
    nth = collections.Counter()
    for leader, (c, b, kind) in sorted(procs.items(), key=lambda kv: started.get(kv[0], t0)):
        nm = "PID 1" if leader == pid1 else names.get(leader, comms.get(leader, "?"))
        nth[(kind, nm)] += 1
        rows[(kind, nm, nth[(kind, nm)])].append(
            ((started.get(leader, t0) - base) * 1000, (ended.get(leader, t1) - base) * 1000, c, b))
print(f"median wall time of the operation while recorded: {statistics.median(walls):.1f} ms; CPU time by kind (median ms):")
for k, v in sorted(kinds.items(), key=lambda kv: -statistics.median(kv[1] + [0] * (runs - len(kv[1])))):
    v = v + [0] * (runs - len(v))
    print(f"  {k:<20} {statistics.median(v):6.1f}")
print()
print("timeline: each process from its exec (or fork) to its exit, ms after the command's exec;")
print("its CPU, and the time it spent blocked in the kernel (D) until it ran again (medians over the")
print("runs in which it appears; processes of under 0.2 ms of CPU left out):")
print(f"  {'kind':<18} {'process':<16} {'start':>7} {'end':>7} {'CPU':>6} {'blocked':>8} {'runs':>5}")
for (kind, nm, n), v in sorted(rows.items(), key=lambda kv: statistics.median(x[0] for x in kv[1])):
    start, end, cpu, blk = (statistics.median(x[i] for x in v) for i in range(4))
    if cpu < 0.2 or len(v) < runs / 2:
        continue
    label = nm if n == 1 else f"{nm} #{n}"
    print(f"  {kind:<18} {label:<16} {start:7.1f} {end:7.1f} {cpu:6.1f} {blk:8.1f} {len(v):5d}")
PY
