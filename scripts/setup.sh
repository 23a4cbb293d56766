#!/usr/bin/env bash
# setup.sh: make a Debian 12 machine ready to build and test podunit, as root.
# Idempotent and quick on a re-run: it asks apt only when a package is missing.
#   - Debian packages: OCI runtimes, busybox for test images, CNI plugins, systemd
#     (the tests boot it in namespaces), the race detector's C compiler, ...
#   - Go >= 1.26 (from /usr/local/go; Debian's own is too old), then `go mod download`.
set -euo pipefail

packages=(
	crun runc busybox-static catatonit containernetworking-plugins iptables uidmap
	passt slirp4netns # pasta (rootless networking) and its alternative
	netavark aardvark-dns # networks: setup/teardown and DNS between containers (/usr/lib/podman)
	hyperfine tmux sqlite3 util-linux iproute2 dbus git make gcc ca-certificates
	systemd procps strace # strace: e2e tests count the programs a command starts
	golang-github-containers-common # /etc/containers/policy.json, shared with podman, skopeo, buildah
	# make install/deb/rpm and test/e2e/package_test.go: systemd's directories, the
	# package linters, rpm -qlp, man, bash completion's helpers, strip
	pkg-config lintian rpm rpmlint man-db bash-completion binutils
)
go_min=1.26

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'; }

install_packages() {
	local missing=() p
	for p in "${packages[@]}"; do
		installed "$p" || missing+=("$p")
	done
	if [ "${#missing[@]}" -eq 0 ]; then
		say "Debian packages: all ${#packages[@]} present"
		return
	fi
	[ "$(id -u)" -eq 0 ] || die "missing packages (${missing[*]}); run this as root"
	say "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	for p in "${missing[@]}"; do
		installed "$p" || die "apt-get did not install $p"
	done
}

check_go() {
	case ":$PATH:" in *:/usr/local/go/bin:*) ;; *) export PATH="/usr/local/go/bin:$PATH" ;; esac
	command -v go >/dev/null || die "no Go toolchain: install Go >= $go_min in /usr/local/go"
	local v
	v=$(go env GOVERSION) # go1.26.8
	v=${v#go}
	local major=${v%%.*} rest=${v#*.}
	local minor=${rest%%.*}
	local want_major=${go_min%%.*} want_minor=${go_min#*.}
	if [ "$major" -lt "$want_major" ] || { [ "$major" -eq "$want_major" ] && [ "${minor%%[!0-9]*}" -lt "$want_minor" ]; }; then
		die "Go $v at $(command -v go) is older than $go_min"
	fi
	say "Go $v ($(command -v go))"
}

# bind_cgroup_v1: on a host whose PID 1 is not systemd and whose cgroups are
# hybrid (v1 hierarchies under a tmpfs /sys/fs/cgroup, cgroup2 at
# /sys/fs/cgroup/unified), a controller that no v1 hierarchy holds sits on
# cgroup2, and crun then refuses to run at all outside systemd's cgroups
# ("cgroups in hybrid mode not supported, drop all controllers from
# cgroupv2"), even with no cgroup of its own: the engine's tests run it on the
# host. systemd in hybrid mode binds every controller to a v1 hierarchy; here
# each one left on cgroup2 (hugetlb, on some machines) gets a hierarchy of its
# own, kept alive by one child cgroup and unmounted again, so nothing sees it
# and cgroup2 holds no controller. Nothing to do on a systemd host.
bind_cgroup_v1() {
	local v2=/sys/fs/cgroup/unified ctrls c dir
	[ ! -d /run/systemd/system ] || return 0
	[ "$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)" = tmpfs ] || return 0
	[ "$(stat -f -c %T "$v2" 2>/dev/null)" = cgroup2fs ] || return 0
	ctrls=$(cat "$v2/cgroup.controllers")
	[ -n "$ctrls" ] || return 0
	[ "$(id -u)" -eq 0 ] || die "cgroup2 holds controllers ($ctrls) that crun refuses in hybrid mode; run this as root"
	for c in $ctrls; do
		dir=$(mktemp -d /run/podunit-cgroup-v1.XXXXXX)
		mount -t cgroup -o "$c" cgroup "$dir" || die "cannot bind the $c controller to a v1 hierarchy"
		mkdir -p "$dir/podunit-keep"
		umount "$dir"
		rmdir "$dir"
	done
	say "cgroup controllers moved from cgroup2 to v1 hierarchies of their own (crun's hybrid mode): $ctrls"
}

download_modules() {
	cd "$(dirname "${BASH_SOURCE[0]}")/.."
	go mod download
	say "Go modules downloaded"
}

install_packages
bind_cgroup_v1
check_go
download_modules
