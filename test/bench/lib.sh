# lib.sh: sourced by the benchmarks in test/bench (bash), first thing after
# `set -euo pipefail`, as `. "$(dirname "$0")/lib.sh"`. It sets here
# (test/bench), top (the tree) and bin (bin/podunit, or the build PODUNIT
# names), and stops a benchmark whose podunit is not built.
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${PODUNIT:-$top/bin/podunit}
[ -x "$bin" ] || { echo "$(basename "$0"): build first (make build)" >&2; exit 1; }

# evict_programs FILE...: drops each file's pages from the page cache
# (posix_fadvise DONTNEED; pages a running process maps stay), so that every
# program a benchmark compares is read back from disk the same way, as after a
# boot. How a binary's pages came into the cache changes how fast it starts:
# on this machine's kernel (6.18, ext4 with large folios) a binary just
# written by cp starts 0.6-0.8 ms faster (`ps --help`, perf stat, 100 runs)
# than the same bytes read back from disk or written by the Go linker, so an
# older build copied aside for BASE= ran ahead of bin/podunit by that much per
# process (ab.sh shows it: the same build at two paths). A file is synced
# first: the kernel keeps dirty pages, and a build copied a moment ago has
# them. Missing files are skipped.
evict_programs() {
	python3 - "$@" <<'PY'
import os, sys
for p in sys.argv[1:]:
    try:
        fd = os.open(p, os.O_RDONLY)
    except OSError:
        continue
    os.fsync(fd)
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    os.close(fd)
PY
}
# this build, BASE= and their helper binaries beside them; the runtimes and
# Podman's programs, whichever are installed
_programs=()
for _p in "$bin" ${BASE:-}; do
	_d=$(dirname "$_p")
	_programs+=("$_p" "$_d/podunit-full" "$_d/podunit-console" "$_d/podunit-generator")
done
for _p in crun runc podman conmon netavark aardvark-dns catatonit; do
	_programs+=("$(command -v "$_p" 2>/dev/null || true)" "/usr/libexec/podman/$_p" "/usr/lib/podman/$_p")
done
evict_programs "${_programs[@]}"
unset _p _d _programs

# A benchmark stopped by a signal (a timeout's TERM, ^C) exits through its EXIT
# trap, which stops its sandbox: one left running holds the harness lock, and
# every later test and benchmark waits on it.
trap 'exit 143' TERM
trap 'exit 130' INT

# busybox_rootfs WORK [DIR...]: WORK emptied (mounts under it and under each
# DIR lazily unmounted first), then WORK/rootfs, a busybox with sh, true and
# sleep, and WORK/rootfs.tar of it to import as the benchmarks' image.
busybox_rootfs() {
	local work=$1 d pats=()
	for d in "$@"; do pats+=(-e " $d/[^ ]*"); done
	grep -o "${pats[@]}" /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
	case "$(ldd /bin/busybox 2>&1 || true)" in # ldd fails on a static binary
	*"not a dynamic executable"*) ;;
	*)
		echo "benchmarks need a static /bin/busybox: apt-get install busybox-static" >&2
		exit 1
		;;
	esac
	rm -rf "$work"
	for d in bin etc proc sys dev tmp; do mkdir -p "$work/rootfs/$d"; done
	cp /bin/busybox "$work/rootfs/bin/"
	for d in sh true sleep; do ln -s busybox "$work/rootfs/bin/$d"; done
	echo 'root:x:0:0:root:/root:/bin/sh' >"$work/rootfs/etc/passwd"
	tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
}

# default_bundle DIR ROOTFS ARG...: an OCI bundle in DIR with a copy of ROOTFS
# and the runtime's own default spec (`runc spec`), running ARGs without a
# terminal: the bare runtime as it comes.
default_bundle() {
	local dir=$1 rootfs=$2
	shift 2
	mkdir -p "$dir"
	cp -a "$rootfs" "$dir/rootfs"
	(cd "$dir" && runc spec)
	python3 - "$dir/config.json" "$@" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
s["process"]["terminal"] = False
s["process"]["args"] = sys.argv[2:]
json.dump(s, open(sys.argv[1], "w"))
PY
}

# bare_spec IN OUT ROOTFS CGROUP [ARG...]: OUT is the spec IN that podunit
# wrote for a container, for the bare runtime: ROOTFS as its root, without
# podunit's binds of files under its run root, in cgroup CGROUP, and
# without a seccomp program crun kept (the bare runtime compiles its
# filter); ARGs, if given, replace the command.
bare_spec() { spec_for_bare drop "$@"; }

# kept_spec IN OUT ROOTFS CGROUP [ARG...]: as bare_spec, but the seccomp
# program crun compiled for an earlier container stays in the annotation
# (run.oci.seccomp_bpf_data), as podunit hands it to crun: the runtime's
# own cost of podunit's spec, without the compilation podunit saves it.
kept_spec() { spec_for_bare keep "$@"; }

spec_for_bare() {
	python3 - "$@" <<'PY'
import json, sys
bpf, src, dst, rootfs, cgroup, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6:]
s = json.load(open(src))
s["root"]["path"] = rootfs
s["mounts"] = [m for m in s["mounts"] if not m["source"].startswith("/run/")]
s["linux"]["cgroupsPath"] = cgroup
annotations = s.get("annotations", {})
if bpf == "drop":
    annotations.pop("run.oci.seccomp_bpf_data", None)
elif "run.oci.seccomp_bpf_data" not in annotations:
    sys.exit(f"{src}: no seccomp program kept in its annotations")
if args:
    s["process"]["args"] = args
json.dump(s, open(dst, "w"))
PY
}

# spec_probe OUT RUNROOT PODUNIT CMD: OUT is the config.json podunit
# writes for `run -d --network none bench CMD` (PODUNIT: the podunit command
# line with its --root, --runtime and --runroot RUNROOT; CMD a string for
# sh -c), as crun gets it under systemd: the second of two such containers,
# which gets the seccomp program the first left. Through `inside`
# (in_systemd first); the probe must be the only container of RUNROOT.
spec_probe() {
	local out=$1 runroot=$2 pu=$3 cmd=$4 n
	for n in 1 2; do
		inside sh -c "$pu run -d --name spec-probe --network none bench $cmd >/dev/null"
		[ "$n" = 1 ] || inside sh -c "cat $runroot/podunit/containers/*/config.json" >"$out"
		inside $pu rm -f -t 0 spec-probe >/dev/null
	done
}

# stop_sandbox stops in_systemd's sandbox, if one was booted: its EXIT trap,
# and part of the trap of a script that sets its own.
stop_sandbox() { [ -z "${sb:-}" ] || "$top/test/sandbox.sh" stop "$sb"; }

# cgroup_cpu: the CPU time in ns that this process's cgroup (the sandbox's,
# inside it) and all below it used: cgroup v1's cpuacct.usage, or cgroup2's
# usage_usec. A round script run through `inside` does not source this file:
# it gets the function with `declare -f cgroup_cpu`.
cgroup_cpu() {
	local f
	for f in /sys/fs/cgroup/cpuacct/cpuacct.usage /sys/fs/cgroup/cpu,cpuacct/cpuacct.usage; do
		if [ -r "$f" ]; then
			cat "$f"
			return
		fi
	done
	echo $(($(sed -n 's/^usage_usec //p' /sys/fs/cgroup/cpu.stat) * 1000))
}

# inside CMD...: runs CMD where the benchmark measures: here, until
# in_systemd has booted a sandbox.
inside() { "$@"; }

# in_systemd [--net]: where PID 1 is not systemd, boots test/sandbox.sh's
# (stopped when the benchmark exits; --net: its own network namespace).
# Then `inside CMD...` runs CMD under that systemd, and prefix is the same
# as words to put before a command line (empty where PID 1 is systemd).
in_systemd() {
	prefix=""
	[ -d /run/systemd/system ] && return
	sb=$("$top/test/sandbox.sh" start "$@")
	trap stop_sandbox EXIT
	prefix="$top/test/sandbox.sh exec $sb"
	inside() { "$top/test/sandbox.sh" exec "$sb" "$@"; }
}

# alternate OUT RUNS CMD...: runs every command line (bash's eval: quotes and
# redirections work, no shell is started for it) once per round, RUNS
# rounds after 3 unrecorded ones, the order turning each round, so the machine's
# drift weighs on each alike. Each is timed by the shell that runs it under
# `inside` (in_systemd's sandbox, if any), so entering the sandbox costs none of
# them anything. OUT gets what hyperfine's --export-json writes, in part: per
# command its median and times (seconds), the times round by round.
alternate() {
	local out=$1 runs=$2 c pairs=()
	shift 2
	for c in "$@"; do pairs+=("" "$c"); done
	alternate_prep "$out" "$runs" "${pairs[@]}"
}

# alternate_prep OUT RUNS PREP CMD [PREP CMD]...: alternate, where each CMD has a
# PREP (a line for sh -c, untimed, "" for none) run right before it every time:
# what must be there or gone for the command to find (a container to stop, no
# pod of that name).
alternate_prep() {
	local out=$1 runs=$2
	shift 2
	cat >"$out.round" <<'EOF2'
#!/bin/bash
# round ORDER PREP CMD...: runs the commands in ORDER (indices, one word, commas),
# each after its PREP; prints "index start end" for each, the times $EPOCHREALTIME's
IFS=, read -ra order <<<"$1"
shift
args=("$@")
for i in "${order[@]}"; do
	prep=${args[$((2 * i))]} cmd=${args[$((2 * i + 1))]}
	[ -z "$prep" ] || sh -c "$prep" >/dev/null 2>&1 </dev/null || true
	t0=$EPOCHREALTIME
	eval "$cmd" >/dev/null 2>&1 </dev/null
	t1=$EPOCHREALTIME
	echo "$i $t0 $t1"
done
EOF2
	chmod +x "$out.round"
	local n=$(($# / 2)) r order
	: >"$out.rounds"
	for r in $(seq -3 "$runs"); do
		order=$(seq -s, 0 $((n - 1)))
		[ $((r % 2)) = 0 ] && order=$(seq -s, $((n - 1)) -1 0)
		if [ "$r" -le 0 ]; then
			inside "$out.round" "$order" "$@" >/dev/null
		else
			inside "$out.round" "$order" "$@" >>"$out.rounds"
		fi
	done
	python3 - "$out" "$@" <<'PY'
import json, statistics, sys
out, args = sys.argv[1], sys.argv[2:]
cmds = args[1::2]
times = [[] for _ in cmds]
for line in open(out + ".rounds"):
    i, t0, t1 = line.split()
    times[int(i)].append(float(t1) - float(t0))
json.dump({"results": [{"command": c, "median": statistics.median(t), "times": t} for c, t in zip(cmds, times)]},
          open(out, "w"))
PY
}

# ratio_line JSON A B: "A/B = median of the rounds' own ratios [95 % bootstrap
# interval]" for results A and B (indices) of alternate's JSON.
ratio_line() {
	python3 - "$@" <<'PY'
import json, random, statistics, sys
r = json.load(open(sys.argv[1]))["results"]
a, b = r[int(sys.argv[2])]["times"], r[int(sys.argv[3])]["times"]
q = [x / y for x, y in zip(a, b)]
rng = random.Random(1)
boot = sorted(statistics.median(rng.choices(q, k=len(q))) for _ in range(2000))
print(f"{statistics.median(q):.3f}x [{boot[50]:.3f}, {boot[1949]:.3f}]")
PY
}
