#!/usr/bin/env bash
# run-d.sh: median wall time of `run -d` until the container runs, and of `stop`
# until it is gone from the runtime, for podunit beside the bare runtime (its own
# default spec, and podunit's spec) and Podman 4.3.1 when it is installed, under a
# real systemd (test/sandbox.sh where PID 1 is not systemd), in alternating
# rounds (lib.sh's alternate_prep) timed inside it. The container is a shell
# that exits on SIGTERM (`sleep & wait`), so a stop is the signal, the exit and
# the cleanup, not a timeout. As root, after `make build`. RUNS=N (default 20), RUNTIMES="crun runc" (default crun).
# BASE=/path/to/older/podunit measures an older build beside this one, on a
# store of its own (a build of another schema version refuses this one's).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
work=/var/lib/podunit-bench-rund
runs=${RUNS:-20}

busybox_rootfs "$work"

in_systemd --net # nothing of it outlives the run

# what every engine runs: exits at once on SIGTERM
cmd="sh -c 'trap \"exit 0\" TERM; sleep 600 & wait'"
runroot=/run/podunit-bench-rund
pu="$bin --root $work/podunit --runroot $runroot/podunit"
inside $pu image import "$work/rootfs.tar" bench >/dev/null
if [ -n "${BASE:-}" ]; then # schemas differ between builds: a store of its own
	pb="$BASE --root $work/podunit-base --runroot $runroot/podunit-base"
	inside $pb image import "$work/rootfs.tar" bench >/dev/null
fi

# The bare runtime's bundle with its own default spec, and one with the spec
# podunit wrote for the same command (copied from a running container; its
# bind mounts of files under the run root and its cgroup path left out),
# once as the bare runtime would run it (crun compiles the seccomp filter)
# and once as podunit hands it to crun (the program an earlier container left).
default_bundle "$work/bundle" "$work/rootfs" sh -c 'trap "exit 0" TERM; sleep 600 & wait'
spec_probe "$work/probe.json" "$runroot/podunit" "$pu --runtime crun" "$cmd"
mkdir -p "$work/hardened" "$work/kept"
bare_spec "$work/probe.json" "$work/hardened/config.json" "$work/bundle/rootfs" /podunit-bench-rund-raw
kept_spec "$work/probe.json" "$work/kept/config.json" "$work/bundle/rootfs" /podunit-bench-rund-raw

pm=""
if command -v podman >/dev/null; then
	pm="podman --root $work/podman --runroot $runroot/podman --events-backend none"
	inside $pm import "$work/rootfs.tar" localhost/bench >/dev/null
	pmflags="--network none --ulimit nofile=$(ulimit -Hn):$(ulimit -Hn) --ulimit nproc=4096:4096 --pull never"
fi

# bare stop: the runtime's kill, a wait for the init's exit, the runtime's delete
cat >"$work/bare-stop" <<'EOF'
#!/bin/sh
# bare-stop RUNTIME ROOT ID
p=$("$1" --root "$2" state "$3" | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p')
"$1" --root "$2" kill "$3" TERM
while kill -0 "$p" 2>/dev/null; do :; done
exec "$1" --root "$2" delete "$3"
EOF
chmod +x "$work/bare-stop"

: >"$work/summary.txt"
for rt in ${RUNTIMES:-crun}; do
	raw="$rt --root $runroot/raw-$rt"
	names=("bare $rt, its spec" "bare $rt, podunit's spec" "podunit")
	run=("$raw run -d --bundle $work/bundle d" "$raw run -d --bundle $work/hardened d" "$pu --runtime $rt run -d --name d --network none bench $cmd")
	gone=("$raw delete -f d" "$raw delete -f d" "$pu rm -f -t 0 d")
	stop=("$work/bare-stop $rt $runroot/raw-$rt d" "$work/bare-stop $rt $runroot/raw-$rt d" "$pu stop d")
	if [ "$rt" = crun ]; then
		names+=("bare crun, podunit's spec, program kept")
		run+=("$raw run -d --bundle $work/kept d")
		gone+=("$raw delete -f d")
		stop+=("$work/bare-stop $rt $runroot/raw-$rt d")
	fi
	if [ -n "$pm" ]; then
		names+=("podman")
		run+=("$pm --runtime $rt run -d --name d $pmflags localhost/bench $cmd")
		gone+=("$pm rm -f -t 0 d")
		stop+=("$pm stop d")
	fi
	if [ -n "${BASE:-}" ]; then # an older build, on a store of its own
		names+=("base build")
		run+=("${run[2]//$pu/$pb}")
		gone+=("${gone[2]//$pu/$pb}")
		stop+=("${stop[2]//$pu/$pb}")
	fi
	# every system's d goes before each command (podunit's and the base build's
	# units share names); a stop's command finds its own d running
	all_gone=$(printf '%s >/dev/null 2>&1; ' "${gone[@]}")
	runs_pairs=() stop_pairs=()
	for i in "${!names[@]}"; do
		runs_pairs+=("$all_gone" "${run[$i]}")
		stop_pairs+=("$all_gone ${run[$i]}" "${stop[$i]}")
	done
	echo "== $rt: run -d, then stop (${names[*]})"
	alternate_prep "$work/run-$rt.json" "$runs" "${runs_pairs[@]}"
	alternate_prep "$work/stop-$rt.json" "$runs" "${stop_pairs[@]}"
	inside sh -c "$all_gone"
	python3 - "$work" "$rt" "$(ratio_line "$work/run-$rt.json" 2 0)" "$(ratio_line "$work/stop-$rt.json" 2 0)" \
		"${names[@]}" <<'PY' | tee -a "$work/summary.txt"
import json, sys
work, rt, ratios, names = sys.argv[1], sys.argv[2], sys.argv[3:5], sys.argv[5:]
for verb, ratio in zip(("run -d", "stop"), ratios):
    med = [x["median"] * 1000 for x in json.load(open(f"{work}/{verb.split()[0]}-{rt}.json"))["results"]]
    bare, hard, ours = med[0], med[1], med[2]
    line = (f"{rt} {verb}: bare {bare:.1f} ms, bare with podunit's spec {hard:.1f} ms, podunit {ours:.1f} ms ="
            f" {ratio} bare (the rounds' own ratios), {ours/hard:.2f}x podunit's spec")
    for name, m in zip(names[3:], med[3:]):
        line += f"; {name} {m:.1f} ms (podunit = {ours/m:.2f}x)"
    print(line)
PY
done
echo; echo "== medians"; cat "$work/summary.txt"
