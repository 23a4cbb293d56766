#!/usr/bin/env bash
# ps.sh: `ps -a` and `inspect` of one container with 100 and with 1000
# containers in the store, podunit beside Podman 4.3.1 when it is installed,
# in alternating rounds (lib.sh's alternate); prints the cost per additional
# container between 100 and 1000. The stores are made once (creating 1100
# containers takes minutes) and kept under /var/lib/podunit-bench-ps; FRESH=1
# remakes them.
# As root, after `make build`; on a quiet machine. No container runs.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
work=/var/lib/podunit-bench-ps
runs=${RUNS:-30}
[ "${FRESH:-}" = 1 ] && rm -rf "$work" /run/podunit-bench-ps
mkdir -p "$work"
if [ ! -f "$work/rootfs.tar" ]; then
	mkdir -p "$work/rootfs/bin" "$work/rootfs/etc"
	cp /bin/busybox "$work/rootfs/bin/" && ln -sf busybox "$work/rootfs/bin/true"
	echo 'root:x:0:0:root:/root:/bin/sh' >"$work/rootfs/etc/passwd"
	tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
fi
pu() { local n=$1; shift; "$bin" --root "$work/pu$n" --runroot "/run/podunit-bench-ps/pu$n" "$@"; }
pm() { local n=$1; shift; podman --root "$work/pm$n" --runroot "/run/podunit-bench-ps/pm$n" --events-backend none "$@"; }
fill() { # tool n: a store with n created containers c1..cn
	local tool=$1 n=$2 have
	have=$($tool "$n" ps -aq 2>/dev/null | wc -l || echo 0)
	[ "$have" -ge "$n" ] && return
	[ "$have" = 0 ] && $tool "$n" import "$work/rootfs.tar" localhost/bench >/dev/null
	echo "ps.sh: creating $n containers with $tool (once)" >&2
	for i in $(seq $((have + 1)) "$n"); do $tool "$n" create --name "c$i" --network none localhost/bench true >/dev/null; done
}
tools=(pu)
command -v podman >/dev/null && [ "${PODMAN:-1}" = 1 ] && tools+=(pm)
cmds=()
for t in "${tools[@]}"; do
	for n in 100 1000; do
		fill "$t" "$n"
		[ "$t" = pu ] && b="$bin --root $work/pu$n --runroot /run/podunit-bench-ps/pu$n"
		[ "$t" = pm ] && b="podman --root $work/pm$n --runroot /run/podunit-bench-ps/pm$n --events-backend none"
		cmds+=("$b ps -a" "$b inspect c50")
	done
done
alternate "$work/ps.json" "$runs" "${cmds[@]}"
python3 - "$work/ps.json" "${tools[@]}" <<'PY'
import json, sys
r = [x["median"] * 1000 for x in json.load(open(sys.argv[1]))["results"]]
for i, tool in enumerate(sys.argv[2:]):
    ps100, in100, ps1000, in1000 = r[4 * i:4 * i + 4]
    name = {"pu": "podunit", "pm": "podman"}[tool]
    print(f"{name:8} ps -a: {ps100:6.1f} ms at 100, {ps1000:6.1f} ms at 1000 = {(ps1000 - ps100) / 0.9:5.1f} us per container;"
          f" inspect: {in100:5.1f} / {in1000:5.1f} ms = {(in1000 - in100) / 0.9:5.1f} us per container")
PY
