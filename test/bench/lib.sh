# lib.sh: sourced by the benchmarks in test/bench (bash).

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
