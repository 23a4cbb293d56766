#!/usr/bin/env bash
# run-rm.sh: median wall time of `podunit run --rm IMAGE true` beside the raw
# runtime (`crun run`, `runc run`) on the same rootfs, and Podman 4.3.1 when it is
# installed, measured side by side in alternating rounds (lib.sh's alternate),
# each command timed where it runs. As root, after `make build`.
#
# On a host whose PID 1 is not systemd, crun needs the cgroup hierarchies a booted
# systemd mounts, so everything is measured inside test/sandbox.sh's systemd too.
# Output: a summary of medians and ratios (podunit / raw runtime: the median of
# the rounds' own ratios, with a 95 % bootstrap interval).
# BASE=/path/to/older/podunit measures an older build beside this one, on a
# store of its own (a build of another schema version refuses this one's).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
work=/var/lib/podunit-bench
runs=${RUNS:-30}

# a previous run's overlay mounts (podman's, ours) must go before its files
busybox_rootfs "$work" /run/podunit-bench

# The raw runtimes' bundle: the runtime's own default spec, running true.
default_bundle "$work/bundle" "$work/rootfs" true

# run roots on tmpfs, as storage.conf's defaults (/run/containers/storage) are
runs_dir=/run/podunit-bench
rm -rf "$runs_dir"
podunit() { "$bin" --root "$work/podunit/root" --runroot "$runs_dir/podunit" "$@"; }
podunit image import "$work/rootfs.tar" bench >/dev/null
[ -n "${BASE:-}" ] && "$BASE" --root "$work/podunit-base/root" --runroot "$runs_dir/podunit-base" image import "$work/rootfs.tar" bench >/dev/null
# The raw runtimes again with podunit's own hardened spec (seccomp profile,
# masked paths, capabilities, cgroup, pids limit), to tell podunit's own cost
# from the cost of its security defaults: copied from a running container.
podunit --runtime runc run --name spec-probe --network none bench sleep 30 >/dev/null 2>&1 &
for _ in $(seq 100); do
	cfg=$(ls "$runs_dir"/podunit/podunit/containers/*/config.json 2>/dev/null | head -1 || true)
	[ -n "$cfg" ] && break
	sleep 0.05
done
mkdir -p "$work/hardened"
bare_spec "$cfg" "$work/hardened/config.json" "$work/bundle/rootfs" /podunit-bench-raw true
podunit kill spec-probe >/dev/null 2>&1 || true
wait || true
podunit rm -f spec-probe >/dev/null 2>&1 || true

have_podman=""
if command -v podman >/dev/null; then
	have_podman=1
	# podman's own storage and state, apart from podunit's; no CAP_SYS_RESOURCE here,
	# so its default nofile limit must be brought down to what this process has
	pm=(podman --root "$work/podman/root" --runroot "$runs_dir/podman" --events-backend none)
	"${pm[@]}" import "$work/rootfs.tar" localhost/bench >/dev/null
fi

measure() { # runtime, where ("host" or "sandbox")
	local rt=$1 where=$2; shift 2
	local cmds=("$rt --root $work/raw-$rt run --bundle $work/bundle bench-raw"
		"$bin --root $work/podunit/root --runroot $runs_dir/podunit --runtime $rt run --rm --network none bench true"
		"$rt --root $work/raw-$rt run --bundle $work/hardened bench-hardened")
	[ -n "$have_podman" ] && cmds+=("${pm[*]} --runtime $rt run --rm --network none --ulimit nofile=$(ulimit -Hn):$(ulimit -Hn) --ulimit nproc=4096:4096 --pull never localhost/bench true")
	local kept=""
	if [ "$rt" = crun ] && [ "$where" != host ]; then
		spec_probe "$work/kept.json" "$runs_dir/podunit" "$bin --root $work/podunit/root --runroot $runs_dir/podunit --runtime crun" "sleep 30"
		mkdir -p "$work/kept"
		kept_spec "$work/kept.json" "$work/kept/config.json" "$work/bundle/rootfs" /podunit-bench-raw true
		cmds+=("crun --root $work/raw-crun run --bundle $work/kept bench-kept")
		kept=1
	fi
	# BASE=/path/to/podunit: an older build beside this one, on a store of its own
	[ -n "${BASE:-}" ] && cmds+=("$BASE --root $work/podunit-base/root --runroot $runs_dir/podunit-base --runtime $rt run --rm --network none bench true")
	echo "== $rt on the $where"
	alternate "$work/$rt-$where.json" "$runs" "${cmds[@]}"
	python3 - "$work/$rt-$where.json" "$rt" "$where" "$have_podman" "${BASE:-}" "$kept" \
		"$(ratio_line "$work/$rt-$where.json" 1 0)" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
base = r.pop()["median"] if sys.argv[5] else None
kept = r.pop()["median"] if sys.argv[6] else None
raw, ours, hard = r[0]["median"], r[1]["median"], r[2]["median"]
line = (f"{sys.argv[2]} ({sys.argv[3]}): raw {raw*1000:.1f} ms, podunit {ours*1000:.1f} ms = {sys.argv[7]}"
        f" (raw with podunit's spec {hard*1000:.1f} ms: podunit = {ours/hard:.2f}x of that)")
if kept:
    line += f"; raw with podunit's spec and kept seccomp program {kept*1000:.1f} ms = {kept/raw:.2f}x raw"
if len(r) > 3:
    line += f", podman {r[3]['median']*1000:.1f} ms = {r[3]['median']/raw:.2f}x"
if base:
    line += f", base build {base*1000:.1f} ms (this build = {ours/base:.2f}x of it)"
print(line)
open("/var/lib/podunit-bench/summary.txt", "a").write(line + "\n")
PY
}

: >"$work/summary.txt"
where=systemd
if ! [ -d /run/systemd/system ]; then
	measure runc host
	where=sandbox
fi
in_systemd --net # bridges and rules, if any, stay inside
measure crun "$where"
measure runc "$where"
echo; echo "== medians"; cat "$work/summary.txt"
