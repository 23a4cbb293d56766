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
# Each sandbox has a cgroup of its own in every hierarchy, below the cgroups of whoever
# started it (sandbox-LOCKNAME, LOCKNAME being the lock's file name without .lock), and
# a cgroup namespace whose root that cgroup is: inside, /sys/fs/cgroup/* are mounted
# again and show only the sandbox's tree, so its systemd makes /system.slice/X.service
# there and two sandboxes never share a cgroup path. exec puts what it runs into the
# sandbox's cgroups and namespace too. start holds the lock $SANDBOX_LOCK (default
# /run/lock/podunit-harness.lock, the first of test/harness's slots) for the sandbox's
# whole life, and waits up to $SANDBOX_LOCK_WAIT seconds (600) for it: the lock owns
# the cgroup name. The Go harness (test/harness) runs this script's __cgroup, __boot,
# __cgroup-dirs and __cgroup-rmtree steps too: one recipe.
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

# cgroup_dirs PID: the host paths of PID's cgroups, one per mounted hierarchy (a mount
# point in /proc/self/mountinfo joined with PID's path in /proc/PID/cgroup).
cgroup_dirs() {
	awk '
	FNR == NR { i = index($0, ":"); rest = substr($0, i + 1); j = index(rest, ":")
		path[substr(rest, 1, j - 1)] = substr(rest, j + 1); next }
	{
		k = index($0, " - "); split(substr($0, k + 3), f, " ")
		if (f[1] != "cgroup" && f[1] != "cgroup2") next
		key = "" # cgroup2 is line 0::PATH; a v1 hierarchy is named by its controllers
		if (f[1] == "cgroup") {
			n = split(f[3], o, ",")
			for (i = 1; i <= n; i++)
				if (o[i] !~ /^(rw|ro|xattr|noprefix|clone_children|cpuset_v2_mode|release_agent=.*)$/)
					key = key (key == "" ? "" : ",") o[i]
		}
		if (!(key in path) || seen[$5]++) next
		p = path[key]
		if ($4 != "/") { if (index(p, $4) != 1) next; p = substr(p, length($4) + 1) }
		if (p == "/") p = ""
		print $5 p
	}' "/proc/$1/cgroup" /proc/self/mountinfo
}

# cgroup_rmtree DIR: removes the cgroup DIR and every cgroup below it, children first.
# One whose last process has just died can be busy for a moment: it tries for 2 s,
# then fails, leaving those that still hold a process.
cgroup_rmtree() {
	i=0
	while [ -d "$1" ] && ! find "$1" -depth -type d -exec rmdir {} + 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -le 40 ] || { echo "sandbox.sh: cgroups remain below $1" >&2; return 1; }
		sleep 0.05
	done
}

# cgroup_enter NAME: makes NAME below this shell's cgroup in every hierarchy (what a
# sandbox of the same lock that died left there removed first) and moves this shell in.
cgroup_enter() {
	for d in $(cgroup_dirs $$); do
		c=$d/$1
		cgroup_rmtree "$c" || true
		mkdir -p "$c"
		if [ -f "$c/cpuset.cpus" ]; then # a v1 cpuset cgroup starts empty: no task may join
			[ -n "$(cat "$c/cpuset.cpus")" ] || cat "$d/cpuset.cpus" >"$c/cpuset.cpus"
			[ -n "$(cat "$c/cpuset.mems")" ] || cat "$d/cpuset.mems" >"$c/cpuset.mems"
		fi
		echo $$ >"$c/cgroup.procs"
	done
}

# cgroup_name LOCK: the cgroup of the sandbox that holds LOCK.
cgroup_name() { n=${1##*/}; echo "sandbox-${n%.lock}"; }

boot() { # runs as the new namespaces' first process, then becomes systemd
	mount --make-rprivate /
	# the cgroup hierarchies again, from inside the cgroup namespace: rooted at the
	# sandbox's own cgroup (nsdelegate is the host's to set)
	for m in $(awk '{ k = index($0, " - "); split(substr($0, k + 3), f, " ")
		if (f[1] == "cgroup" || f[1] == "cgroup2") print $5 ":" f[1] ":" f[3] }' /proc/self/mountinfo); do
		mp=${m%%:*} rest=${m#*:}
		opts=$(echo "${rest#*:}" | sed 's/,nsdelegate//; s/^nsdelegate,\{0,1\}//')
		umount "$mp"
		mount -t "${rest%%:*}" -o "$opts" "${rest%%:*}" "$mp"
	done
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
	nsflags="--pid --mount --cgroup --fork --mount-proc --kill-child=SIGKILL"
	if [ "${1:-}" = --net ]; then nsflags="$nsflags --net"; export SANDBOX_NET=1; fi
	mkdir -p "$(dirname "$lock")"
	# flock holds the lock while unshare runs, that is while the sandbox lives
	# shellcheck disable=SC2086
	setsid flock -w "${SANDBOX_LOCK_WAIT:-600}" "$lock" \
		sh "$0" __cgroup "$(cgroup_name "$lock")" unshare $nsflags sh "$0" __boot </dev/null >/dev/null 2>&1 &
	holder=$!
	pid="" i=0
	while :; do
		alive "$holder" || { echo "sandbox.sh: gave up (lock $lock busy, or boot failed)" >&2; exit 1; }
		if ! is "$pid" systemd; then # (before unshare, the child may be __cgroup's awk)
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
	cgroups=$(cgroup_dirs "$unshare_pid" 2>/dev/null) || true
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
	for d in $cgroups; do
		case ${d##*/} in sandbox-*) cgroup_rmtree "$d" ;; esac
	done
}

case "${1:-}" in
start) start "${2:-}" ;;
__boot) boot ;;
__cgroup) # __cgroup NAME CMD...: CMD in the cgroups NAME (see cgroup_enter)
	cgroup_enter "$2"
	shift 2
	exec "$@"
	;;
__cgroup-dirs) cgroup_dirs "$2" ;;
__cgroup-rmtree) cgroup_rmtree "$2" ;;
exec)
	pid=$2
	shift 2
	netflag=""
	[ "$(readlink "/proc/$pid/ns/net")" != "$(readlink /proc/self/ns/net)" ] && netflag=-n
	for d in $(cgroup_dirs "$(parent "$pid")"); do echo $$ >"$d/cgroup.procs"; done
	exec nsenter -t "$pid" -C -m -p $netflag "$@"
	;;
stop) stop "$2" ;;
*)
	sed -n '2,8p' "$0" >&2
	exit 2
	;;
esac
