#!/usr/bin/env bash
# demo.sh: show a container running as a systemd unit, end to end.
# Run by `make demo` (after set-up and build) as root. Where PID 1 is not systemd
# it boots a real systemd in namespaces first (test/sandbox.sh) and runs inside it.
# It uses its own storage root, /var/lib/podunit-demo, and removes what it made.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
bin="$top/bin/podunit"
demo=/var/lib/podunit-demo
[ -x "$bin" ] || { echo "demo: $bin is missing: run make build" >&2; exit 1; }

inside() { "$@"; }
sandbox=""
if [ ! -d /run/systemd/system ]; then
	echo "== PID 1 is not systemd here: booting one in namespaces (test/sandbox.sh), with a network namespace of its own"
	sandbox=$("$here/sandbox.sh" start --net) # its own network namespace: bridges and rules stay inside
	inside() { "$here/sandbox.sh" exec "$sandbox" "$@"; }
	case "$bin" in /tmp/* | /var/tmp/* | /run/* | /dev/shm/*)
		# the sandbox has its own /tmp, /var/tmp and /run: a checkout there is
		# out of its sight, so the binaries come along into the demo's root
		mkdir -p "$demo/bin" && cp "$bin" "$bin-full" "$demo/bin/" && bin="$demo/bin/podunit" ;;
	esac
fi
cleanup() {
	inside "$bin" --root "$demo/root" --runroot "$demo/run" rm -f -t 0 demo >/dev/null 2>&1 || true
	[ -n "$sandbox" ] && "$here/sandbox.sh" stop "$sandbox"
	return 0
}
trap cleanup EXIT

podunit() { inside "$bin" --root "$demo/root" --runroot "$demo/run" "$@"; }
show() { # print the command as a user would type it, then run it
	local shown=("$@")
	[ "${shown[0]}" = inside ] && shown=("${shown[@]:1}")
	echo; echo "\$ ${shown[*]}"; "$@"
}

echo "== an image from Debian's busybox-static (no network)"
rootfs=$(mktemp -d /var/lib/podunit-demo-rootfs.XXXXXX)
mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev"
cp /bin/busybox "$rootfs/bin/"
for a in sh echo sleep date hostname cat; do ln -s busybox "$rootfs/bin/$a"; done
echo 'root:x:0:0:root:/root:/bin/sh' >"$rootfs/etc/passwd"
tar -C "$rootfs" -cf "$rootfs.tar" .
podunit image import "$rootfs.tar" demo-busybox >/dev/null
rm -rf "$rootfs" "$rootfs.tar"
show podunit images

echo
echo "== a detached container is a transient systemd unit; its init is the unit's main process"
show podunit run -d --replace --name demo --restart on-failure demo-busybox \
	sh -c 'trap "exit 0" TERM; while true; do echo "hello from $(hostname) at $(date +%T)"; sleep 1; done'
sleep 2
show podunit ps
show inside systemctl status --no-pager podunit-demo.service
echo
echo "MainPID=$(inside systemctl show -P MainPID podunit-demo.service), container init pid=$(podunit inspect --format '{{.State.Pid}}' demo)"
show podunit logs --tail 3 demo

echo
echo "== systemd restarts it when its process dies (--restart on-failure)"
show inside kill -9 "$(podunit inspect --format '{{.State.Pid}}' demo)"
sleep 1.5
show inside systemctl show -p NRestarts -p MainPID podunit-demo.service

echo
echo "== stopping through systemctl: podunit sees the same state"
show inside systemctl stop podunit-demo.service
show podunit ps -a
show podunit rm demo
