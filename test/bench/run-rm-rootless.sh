#!/usr/bin/env bash
# run-rm-rootless.sh: median wall time of rootless `run --rm --network none IMAGE
# true`, podunit beside Podman 4.3.1 (when installed) and the bare `crun run` of a
# rootless bundle (`crun spec --rootless`), measured side by side with hyperfine.
# As root, after `make build`: it adds a throwaway user with a subuid/subgid range
# (useradd's own choice), lets it linger so logind starts its user manager, runs
# every command as that user (setpriv) with XDG_RUNTIME_DIR=/run/user/UID, and
# removes the user at exit. Under test/sandbox.sh's systemd where PID 1 is not
# systemd (stopped at exit). Podman keeps its rootless defaults
# (~/.local/share/containers, /run/user/UID/containers); podunit gets a --root and
# --runroot of its own beside them, so neither store sees the other's.
# Then the read verbs: rootless `ps -a` and `inspect` of one container, beside
# Podman's and the same verbs as root (on a store of root's own), and the cost of
# the command that runs them (`true` through the same prefix); BASE=/path/to/podunit
# adds an older build on a store of its own (schemas differ between builds).
# Output: hyperfine's tables and lines of medians and ratios.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
work=/var/lib/podunit-bench-rootless
runs=${RUNS:-20}
name=${BENCH_USER:-pubench}
for p in hyperfine newuidmap useradd setpriv loginctl crun; do
	command -v $p >/dev/null || { echo "run-rm-rootless.sh: $p is missing (Debian: hyperfine, uidmap, passwd, util-linux, systemd, crun)" >&2; exit 1; }
done

busybox_rootfs "$work"
chmod 755 "$work"
home="$work/home"
userdel "$name" >/dev/null 2>&1 || true # left by a killed run
useradd -M -d "$home" -s /bin/sh "$name"
uid=$(id -u "$name") gid=$(id -g "$name")
grep -q "^$name:" /etc/subuid && grep -q "^$name:" /etc/subgid ||
	{ echo "run-rm-rootless.sh: useradd gave $name no subuid/subgid range" >&2; userdel "$name"; exit 1; }
mkdir -p "$home"
cp "$work/rootfs.tar" "$home/rootfs.tar"

prefix=""
sb=""
cleanup() { # the user's manager stopped first: userdel refuses a user with processes
	inside loginctl disable-linger "$name" >/dev/null 2>&1 || true
	inside systemctl stop "user@$uid.service" >/dev/null 2>&1 || true
	[ -z "$sb" ] || "$top/test/sandbox.sh" stop "$sb"
	userdel "$name" >/dev/null 2>&1 || true
}
trap cleanup EXIT
if [ ! -d /run/systemd/system ]; then
	sb=$("$top/test/sandbox.sh" start --net)
	prefix="$top/test/sandbox.sh exec $sb"
	inside() { "$top/test/sandbox.sh" exec "$sb" "$@"; }
fi

# the user's manager through linger, as at boot; /run/user/UID is its runtime dir
inside loginctl enable-linger "$name"
for _ in $(seq 300); do
	[ "$(inside systemctl is-active "user@$uid.service" || true)" = active ] && break
	sleep 0.1
done
[ "$(inside systemctl is-active "user@$uid.service" || true)" = active ] ||
	{ echo "run-rm-rootless.sh: user@$uid.service did not start" >&2; exit 1; }
run="/run/user/$uid"
# as the user, with a clean environment (no spaces in values: hyperfine -N splits words)
as="setpriv --reuid=$uid --regid=$gid --clear-groups env -i HOME=$home USER=$name
	PATH=/usr/local/bin:/usr/bin:/bin XDG_RUNTIME_DIR=$run DBUS_SESSION_BUS_ADDRESS=unix:path=$run/bus"
as=$(echo $as)
user() { inside $as "$@"; }

# the bare runtime: crun's own rootless spec (the user's uid as root, no subuids)
mkdir -p "$home/bundle"
cp -a "$work/rootfs" "$home/bundle/rootfs"
chown -R "$uid:$gid" "$home"
user sh -c "cd $home/bundle && crun spec --rootless && sed -i 's/\"terminal\": true/\"terminal\": false/; s/\"sh\"\$/\"true\"/' config.json"

pu="$bin --root $home/podunit/storage --runroot $run/podunit-bench --runtime crun"
user $pu image import "$home/rootfs.tar" bench >/dev/null
cmds=("$prefix $as crun --root $run/crun-bench run --bundle $home/bundle bench-raw"
	"$prefix $as $pu run --rm --network none bench true")
if command -v podman >/dev/null; then
	pm="podman --events-backend none --runtime crun"
	user $pm import "$home/rootfs.tar" localhost/bench >/dev/null
	cmds+=("$prefix $as $pm run --rm --network none --pull never localhost/bench true")
fi

# one of each first: each container is the user's (uid 0 maps to the user), and
# a command that fails shows its error here, not as hyperfine's exit code
user crun --root "$run/crun-bench" run --bundle "$home/bundle" bench-raw
uidmap() { # ENGINE RUN-ARGS...
	local m
	m=$(user "${@:2}" sh -c 'read -r l </proc/self/uid_map; echo $l')
	echo "$1: uid_map $m"
	[ "$m" = "0 $uid 1" ] || { echo "run-rm-rootless.sh: $1's container is not the user's" >&2; exit 1; }
}
uidmap podunit $pu run --rm --network none bench
[ -z "${pm:-}" ] || uidmap podman $pm run --rm --network none --pull never localhost/bench

hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/rootless.json" "${cmds[@]}"
python3 - "$work/rootless.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
raw, ours = r[0]["median"], r[1]["median"]
line = f"rootless crun: raw {raw*1000:.1f} ms, podunit {ours*1000:.1f} ms = {ours/raw:.2f}x"
if len(r) > 2:
    pm = r[2]["median"]
    line += f", podman {pm*1000:.1f} ms = {pm/raw:.2f}x (podunit / podman = {ours/pm:.2f})"
print("\n== medians\n" + line)
PY

# the read verbs, one container in each store (a run before may have left one)
user $pu rm -f c1 >/dev/null 2>&1 || true
user $pu create --name c1 --network none bench true >/dev/null
rootpu="$bin --root $work/root-store --runroot /run/podunit-bench-rootless-root"
inside $rootpu image import "$work/rootfs.tar" bench >/dev/null
inside $rootpu rm -f c1 >/dev/null 2>&1 || true
inside $rootpu create --name c1 --network none bench true >/dev/null
reads=("$prefix $as $pu ps -a" "$prefix $as $pu inspect c1"
	"$prefix $rootpu ps -a" "$prefix $rootpu inspect c1" "$prefix true")
if [ -n "${BASE:-}" ]; then
	pb="$BASE --root $home/podunit/base --runroot $run/podunit-bench-base --runtime crun"
	user $pb image import "$home/rootfs.tar" bench >/dev/null
	user $pb rm -f c1 >/dev/null 2>&1 || true
	user $pb create --name c1 --network none bench true >/dev/null
	reads+=("$prefix $as $pb ps -a" "$prefix $as $pb inspect c1")
fi
if [ -n "${pm:-}" ]; then
	user $pm rm -f c1 >/dev/null 2>&1 || true
	user $pm create --name c1 --network none --pull never localhost/bench true >/dev/null
	reads+=("$prefix $as $pm ps -a" "$prefix $as $pm inspect c1")
fi
hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/reads.json" "${reads[@]}"
python3 - "$work/reads.json" "${BASE:-}" "${pm:-}" <<'PY'
import json, sys
r = [x["median"] * 1000 for x in json.load(open(sys.argv[1]))["results"]]
base, podman = sys.argv[2], sys.argv[3]
ps, insp, rps, rinsp, true = r[:5]
print("\n== medians (ms; every figure holds the prefix's %.1f)" % true)
print(f"rootless ps -a {ps:.1f}, inspect {insp:.1f}; as root {rps:.1f}, {rinsp:.1f}")
i = 5
if base:
    print(f"base build rootless ps -a {r[i]:.1f}, inspect {r[i+1]:.1f}")
    i += 2
if podman:
    print(f"podman rootless ps -a {r[i]:.1f}, inspect {r[i+1]:.1f} (podunit / podman = {ps/r[i]:.2f}, {insp/r[i+1]:.2f})")
PY
