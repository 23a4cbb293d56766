#!/bin/sh
# sandbox.sh: boot a real systemd as PID 1 inside fresh PID + mount (+ network)
# namespaces, on a machine whose own PID 1 is not systemd, so that tests and the demo
# can use systemctl, journalctl, generators and D-Bus for real.
#
#   sandbox.sh start [--net]    boot; prints the PID (on the host) of the sandbox's systemd
#   sandbox.sh exec PID CMD...  run CMD inside (systemctl, journalctl, podunit ...)
#   sandbox.sh stop PID         power it off and wait until every process of it is gone
#
# Inside: /run, /tmp, /var/tmp, /dev/shm, /etc/systemd/system and /var/log/journal are
# private tmpfs, so units installed there vanish with the sandbox, and its boot-time
# tmpfiles clean-up cannot wipe the host's /tmp; everything else is the host's.
# --net gives it a network namespace of its own (loopback only, brought up).
# SANDBOX_BINDS="SRC:DST ..." bind-mounts host folders or files over paths inside (after
# the tmpfs mounts), e.g. a folder kept across boots onto /etc/systemd/system, so that
# a "reboot" (stop, start again) finds its enabled units and state. No spaces in paths.
# SANDBOX_LOG=FILE keeps systemd's own console output there (default: discarded).
#
# Only one sandbox runs at a time on a machine: two would fight over the same host
# cgroup paths (/system.slice/X.service). start holds the lock $SANDBOX_LOCK
# (default /run/lock/podunit-harness.lock) for the sandbox's whole life, the same
# lock test/harness takes, and waits up to $SANDBOX_LOCK_WAIT seconds (600) for it.
# The Go harness (test/harness) runs this script's __boot step too: one recipe.
set -eu

lock=${SANDBOX_LOCK:-/run/lock/podunit-harness.lock}

# Units that a container host's tests do not need, or that would act on the host
# (kernel modules and variables, network interfaces, the clock, databases, cron).
masked="postgresql.service console-getty.service getty@tty1.service serial-getty@.service
	systemd-binfmt.service systemd-modules-load.service modprobe@.service systemd-sysctl.service
	systemd-timesyncd.service cron.service anacron.service ssh.service
	networking.service ifupdown-pre.service NetworkManager.service
	systemd-networkd.service systemd-resolved.service systemd-networkd-wait-online.service
	apt-daily.timer apt-daily-upgrade.timer man-db.timer e2scrub_all.timer fstrim.timer
	logrotate.timer dpkg-db-backup.timer systemd-tmpfiles-clean.timer"

boot() { # runs as the new namespaces' first process, then becomes systemd
	mount --make-rprivate /
	for d in /run /tmp /var/tmp /dev/shm; do mount -t tmpfs tmpfs "$d"; done
	mount -t tmpfs tmpfs /etc/systemd/system
	mkdir -p /run/systemd/system /run/lock /var/log/journal
	mount -t tmpfs tmpfs /var/log/journal
	# /dev/kmsg is the host kernel's: without this, journald would import the lines
	# that earlier sandboxes left there and file them under this boot, even under units
	mkdir -p /run/systemd/journald.conf.d
	printf '[Journal]\nReadKMsg=no\n' >/run/systemd/journald.conf.d/podunit-sandbox.conf
	for b in ${SANDBOX_BINDS:-}; do
		src=${b%%:*} dst=${b#*:}
		if [ -d "$src" ]; then
			mkdir -p "$dst"
		else
			mkdir -p "$(dirname "$dst")"
			[ -e "$dst" ] || touch "$dst"
		fi
		mount --bind "$src" "$dst"
	done
	if [ "${SANDBOX_NET:-}" = 1 ]; then ip link set lo up; fi
	for u in $masked; do ln -sf /dev/null "/etc/systemd/system/$u"; done
	export container=podunit-sandbox
	exec /lib/systemd/systemd --system --unit=multi-user.target \
		</dev/null >>"${SANDBOX_LOG:-/dev/null}" 2>&1
}

children() { # PIDs whose parent is $1
	cat "/proc/$1/task/$1/children" 2>/dev/null || true
}

alive() { kill -0 "$1" 2>/dev/null; }

parent() { # parent PID of $1 (the 4th field of /proc/PID/stat, after the command name)
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	s=${s##*) }
	set -- $s
	echo "$2"
}

is() { # PID $1 runs $2 and has not exited (a zombie waiting for its reaper holds no lock)
	[ -n "$1" ] && [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

pidns_members() { # host PIDs of every process in the PID namespace $1 (an ns link)
	ls -l /proc/[0-9]*/ns/pid 2>/dev/null | grep -F -- "-> $1" | sed 's|.* /proc/\([0-9]*\)/ns/pid .*|\1|'
}

# kill_entered NS INIT: SIGKILL the processes that nsenter put into the sandbox and that
# still run, and SIGCONT their nsenter. Left alone they stall poweroff: systemd's final
# kill sweep SIGSTOPs every process, nsenter (waiting with WUNTRACED) then stops itself
# outside the sandbox where nothing resumes it, and the namespace cannot end while its
# killed child waits for that nsenter to reap it.
kill_entered() {
	for p in $(pidns_members "$1"); do
		[ "$p" = "$2" ] && continue
		pp=$(parent "$p")
		if [ -n "$pp" ] && [ "$(readlink "/proc/$pp/ns/pid" 2>/dev/null)" != "$1" ]; then
			kill -KILL "$p" 2>/dev/null || true
			kill -CONT "$pp" 2>/dev/null || true
		fi
	done
}

start() {
	nsflags="--pid --mount --fork --mount-proc --kill-child=SIGKILL"
	if [ "${1:-}" = --net ]; then nsflags="$nsflags --net"; export SANDBOX_NET=1; fi
	mkdir -p "$(dirname "$lock")"
	# flock holds the lock while unshare runs, that is while the sandbox lives
	# shellcheck disable=SC2086
	setsid flock -w "${SANDBOX_LOCK_WAIT:-600}" "$lock" \
		unshare $nsflags sh "$0" __boot </dev/null >/dev/null 2>&1 &
	holder=$!
	pid="" i=0
	while :; do
		alive "$holder" || { echo "sandbox.sh: gave up (lock $lock busy, or boot failed)" >&2; exit 1; }
		if [ -z "$pid" ]; then
			for u in $(children "$holder"); do pid=$(children "$u" | cut -d' ' -f1); done
		fi
		if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = systemd ]; then
			state=$(nsenter -t "$pid" -m -p systemctl is-system-running 2>/dev/null || true)
			case "$state" in running | degraded) echo "$pid"; exit 0 ;; esac
			i=$((i + 1))
			if [ "$i" -gt 300 ]; then
				echo "sandbox.sh: systemd did not come up within 30 s (state: ${state:-none})" >&2
				nsenter -t "$pid" -m -p systemctl --failed --no-pager >&2 || true
				nsenter -t "$pid" -m -p systemctl list-jobs --no-pager >&2 || true
				stop "$pid"
				exit 1
			fi
		fi
		sleep 0.1
	done
}

stop() {
	pid=$1
	ns=$(readlink "/proc/$pid/ns/pid") || return 0
	unshare_pid=$(parent "$pid")
	flock_pid=$(parent "$unshare_pid")
	kill_entered "$ns" "$pid"
	# SIGRTMIN+4 (38) asks systemd for poweroff.target too (SIGTERM would re-exec it)
	nsenter -t "$pid" -m -p systemctl poweroff >/dev/null 2>&1 || kill -38 "$pid" 2>/dev/null || true
	i=0
	while alive "$pid"; do
		kill_entered "$ns" "$pid" # also those that arrived during shutdown
		i=$((i + 1))
		if [ "$i" -gt 300 ]; then
			echo "sandbox.sh: poweroff took over 30 s; killing it" >&2
			kill -KILL "$pid" 2>/dev/null || true
		fi
		sleep 0.1
	done
	# when a PID namespace's init dies the kernel kills the rest; wait for them, and for
	# the unshare and flock above it, so that the lock is free when stop returns
	i=0
	while [ -n "$(pidns_members "$ns")" ] || is "$unshare_pid" unshare || is "$flock_pid" flock; do
		i=$((i + 1))
		if [ "$i" -gt 100 ]; then
			for p in $(pidns_members "$ns"); do kill -KILL "$p" 2>/dev/null || true; done
			[ "$i" -gt 200 ] && { echo "sandbox.sh: processes of sandbox $1 remain" >&2; return 1; }
		fi
		sleep 0.05
	done
}

case "${1:-}" in
start) start "${2:-}" ;;
__boot) boot ;;
exec)
	pid=$2
	shift 2
	netflag=""
	[ "$(readlink "/proc/$pid/ns/net")" != "$(readlink /proc/self/ns/net)" ] && netflag=-n
	exec nsenter -t "$pid" -m -p $netflag "$@"
	;;
stop) stop "$2" ;;
*)
	sed -n '2,8p' "$0" >&2
	exit 2
	;;
esac
