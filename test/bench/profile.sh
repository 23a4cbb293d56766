#!/usr/bin/env bash
# profile.sh: where the CPU of podunit's own processes goes in one operation,
# by call chain. perf samples every CPU (cpu-clock, FREQ Hz, frame-pointer
# call chains: Go keeps them) over RUNS operations under systemd (test/sandbox.sh
# where PID 1 is not systemd); each sample of a podunit process goes to its
# role, told by a function in any of that process's chains:
#   member    a container unit's `container unit-start` (Engine.UnitStart) or
#             podunit-start (unitstart.Main)
#   pod unit  the pod's unit's `pod unit-start` (Engine.PodUnitStart)
#   command   the command line's podunit (the rest)
# and, within a role, to the innermost phase function on its chain (the table
# below: package init, runtime start, exit, SQLite, JSON, storage, the
# runtime's fork and exec, ...). It prints ms of CPU per operation, with
# perf's own overhead in them (about a fifth at 25 kHz, likely more where call
# chains are deep: each sample's unwinding stretches the code it interrupts,
# and SQLite's translated C runs dozens of frames deep): compare builds with
# it, take absolute times from the other scripts.
# FOCUS=function adds the call paths below that function, per role.
# As root, after `make build`. SCENARIO=pod (default: `pod start` of a created
# pod of 3), create (`create --pod` into a pod), run-rm (`run --rm true`),
# pod-unit (`systemctl start` of a `generate systemd --new` pod unit and its 3
# members; each member's `run --unit` counts as a command):
#   RUNS=10 SCENARIO=create FOCUS='image.(*Store).Mount' test/bench/profile.sh
set -euo pipefail
. "$(dirname "$0")/lib.sh"
runs=${RUNS:-10}
scenario=${SCENARIO:-pod}
freq=${FREQ:-25000}
work=/var/lib/podunit-bench-profile
command -v perf >/dev/null || { echo "profile.sh: perf is missing (apt-get install linux-perf)" >&2; exit 1; }
case $scenario in pod | create | run-rm | pod-unit) ;; *)
	echo "profile.sh: SCENARIO=$scenario: pod, create, run-rm or pod-unit" >&2
	exit 1
	;;
esac

busybox_rootfs "$work"
in_systemd --net
pu="$bin --root $work/podunit --runroot /run/podunit-bench-profile --runtime crun"
inside $pu image import "$work/rootfs.tar" bench >/dev/null
pod_rm="$pu pod rm -f -t 0 p >/dev/null 2>&1 || true"
pod_create="$pu pod create --network none --name p >/dev/null"
members="for m in a b c; do $pu create --pod p --name \$m --stop-signal KILL bench sleep 600 >/dev/null; done"
case $scenario in
pod) setup="$pod_rm; $pod_create && $members" op="$pu pod start p" teardown="$pod_rm" ;;
create) setup="$pod_rm; $pod_create" op="$pu create --pod p --name c --stop-signal KILL bench sleep 600" teardown="$pod_rm" ;;
run-rm) setup=true op="$pu run --rm --network none bench true" teardown=true ;;
pod-unit) # cpu.sh's pod-unit: the units of `generate systemd --new`, started by systemctl
	units="pod-p.service container-a.service container-b.service container-c.service"
	inside sh -c "$pod_rm; $pod_create && $members && cd /etc/systemd/system &&
		$pu generate systemd --new --files --name p >/dev/null && $pod_rm && systemctl daemon-reload"
	setup=true op="systemctl start $units" teardown="systemctl stop $units; $pod_rm; systemctl reset-failed"
	;;
esac
# two operations first, unrecorded: caches warm, the runtime's seccomp program kept
for i in 1 2; do inside sh -c "$setup; $op >/dev/null; $teardown"; done
for i in $(seq "$runs"); do
	inside sh -c "$setup"
	# shellcheck disable=SC2086 # op is words
	inside perf record -q -a -g -F "$freq" -e cpu-clock -o "$work/profile-$i.data" -- $op >/dev/null 2>&1
	inside sh -c "$teardown"
done
for i in $(seq "$runs"); do
	perf script -i "$work/profile-$i.data" -F comm,pid,ip,sym 2>/dev/null
done >"$work/samples.txt"

python3 - "$work/samples.txt" "$runs" "$freq" "$(basename "$bin")" "${FOCUS:-}" <<'PY'
import collections, sys
path, runs, freq, build, focus = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4][:15], sys.argv[5]
per = 1000 / freq / runs  # ms of CPU per sample, per operation
# the roles, by a function found in any chain of the process
roles = [("member", "engine.(*Engine).UnitStart"), ("member", "unitstart.Main"), ("pod unit", "engine.(*Engine).PodUnitStart")]
# the phases: the innermost of these on a sample's chain (leaf first)
phases = [
    ("package init", "runtime.doInit1"), ("runtime start", "runtime.schedinit"), ("runtime start", "runtime.rt0_go"),
    ("exit", "do_group_exit"), ("exit", "do_exit"), ("stack growth", "runtime.morestack"),
    ("garbage collection", "runtime.gcBgMarkWorker"),
    ("crun's sealed copy", "oci.sealedCopy"), ("JSON encode", "encoding/json.Marshal"),
    ("JSON decode", "encoding/json.Unmarshal"), ("seccomp key", "seccompKey"), ("spec", "spec.Generate"),
    ("storage: create", "storage.(*store).CreateContainer"), ("storage: mount", "image.(*Store).Mount"),
    ("storage: unmount", "image.(*Store).Unmount"), ("storage: delete", "image.(*Store).DeleteRootfs"),
    ("record copy", "image.(*Store).writeRecord"),
    ("storage: open", "image.(*Store).open"), ("image lookup", "image.(*Store).Resolve"),
    ("fork/exec", "os/exec.(*Cmd).Start"), ("wait for a child", "os/exec.(*Cmd).Wait"),
    ("D-Bus", "godbus/dbus"), ("sd_notify", "daemon.SdNotify"), ("journal", "go-systemd/v22/journal"),
    ("state: open", "state.OpenChecked"), ("state (SQLite)", "podunit/engine/state."),
    ("network", "engine.(*Engine).setupNetwork"), ("pinning", "engine/network.Pin"),
    ("command line", "spf13/cobra"), ("scheduler", "runtime.schedule"), ("thread start", "runtime.mstart"),
]
samples, comm, frames, pid = [], None, [], None
def flush():
    if comm is not None and comm.startswith(build):
        samples.append((pid, [f.split(" ", 1)[1] if " " in f else "?" for f in frames]))
for line in open(path, errors="replace"):
    line = line.rstrip("\n")
    if not line:
        flush(); comm, frames = None, []
    elif line[0] not in " \t":
        head = line.split()
        comm, pid, frames = head[0], head[1], []
    else:
        frames.append(line.strip())
flush()
role = {}
for p, chain in samples:
    joined = " ".join(chain)
    for name, marker in roles:
        if marker in joined:
            role[p] = name
buckets = collections.defaultdict(collections.Counter)
paths = collections.defaultdict(collections.Counter)
for p, chain in samples:
    r = role.get(p, "command")
    for f in chain:
        hit = next((name for name, m in phases if m in f), None)
        if hit:
            break
    else:
        hit = "other (" + (chain[-1] if chain else "?") + ")"
    buckets[r][hit] += 1
    if focus:
        for i, f in enumerate(chain):
            if focus in f:
                paths[r][" > ".join(reversed(chain[max(0, i - 3):i])) or "(itself)"] += 1
                break
print(f"profile.sh: {runs} operations, {freq} Hz; ms of CPU per operation (perf's overhead included)")
for r in ("command", "pod unit", "member"):
    if r not in buckets:
        continue
    total = sum(buckets[r].values())
    n = len({p for p, _ in samples if role.get(p, "command") == r}) / runs
    print(f"\n{r}: {total * per:.2f} ms over {n:.1f} processes per operation (their children before exec included)")
    for name, c in buckets[r].most_common(18):
        print(f"  {c * per:7.2f}  {100 * c / total:5.1f} %  {name}")
    if focus and paths[r]:
        print(f"  below {focus}:")
        for x, c in paths[r].most_common(12):
            print(f"  {c * per:7.2f}  {x}")
PY
