#!/bin/sh
# Measures podunit-generator's wall time on tmpfs against Podman's Quadlet on
# the same sources: 1000 .container files, and 300 .pod files with 3 member
# containers each (issue 16's goal: podunit at most 0.25x Quadlet).
# Quadlet is built from Podman's source (QUADLET_VERSION, default v5.6.2)
# through the Go module proxy, or taken from QUADLET=/path/to/quadlet.
# Usage: test/bench/generator.sh [runs]   (run from the repository root)
set -eu
runs=${1:-10}
base=$(mktemp -d /dev/shm/podunit-bench.XXXXXX)
trap 'rm -rf "$base"' EXIT
GOFLAGS="-buildvcs=false -tags=containers_image_openpgp,exclude_graphdriver_btrfs" \
	go build -o "$base/podunit-generator" ./cmd/podunit-generator
quadlet=${QUADLET:-}
if [ -z "$quadlet" ]; then
	v=${QUADLET_VERSION:-v5.6.2}
	mkdir "$base/qb"
	(cd "$base/qb" && go mod init quadlet-bench >/dev/null 2>&1 &&
		GOFLAGS=-mod=mod go get "github.com/containers/podman/v5/cmd/quadlet@$v" >/dev/null 2>&1 &&
		GOFLAGS=-mod=mod go build -o "$base/quadlet" github.com/containers/podman/v5/cmd/quadlet)
	quadlet=$base/quadlet
fi

mkdir -p "$base/ctr" "$base/pod"
i=0
while [ $i -lt 1000 ]; do
	printf '[Unit]\nDescription=c%d\n[Container]\nImage=docker.io/library/nginx:1.27\nPublishPort=%d:80\nEnvironment=A=1 B=2\nLabel=app=c%d\nVolume=/srv/c%d:/data:ro\nExec=nginx -g "daemon off;"\n[Service]\nRestart=always\n[Install]\nWantedBy=multi-user.target\n' \
		$i $((10000 + i)) $i $i >"$base/ctr/c$i.container"
	i=$((i + 1))
done
i=0
while [ $i -lt 300 ]; do
	printf '[Pod]\nPublishPort=%d:80\n[Install]\nWantedBy=multi-user.target\n' $((20000 + i)) >"$base/pod/p$i.pod"
	for m in a b c; do
		printf '[Container]\nImage=docker.io/library/nginx:1.27\nPod=p%d.pod\nEnvironment=M=%s\n' $i $m >"$base/pod/p$i-$m.container"
	done
	i=$((i + 1))
done

# measure NAME SOURCEDIR GENERATOR [FLAG]: prints the best and mean wall time
# in microseconds as "best mean"; Quadlet reads QUADLET_UNIT_DIRS, podunit
# PODUNIT_UNIT_DIRS.
measure() {
	best=999999999 total=0 n=0
	while [ $n -lt "$runs" ]; do
		out="$base/out-$1-$n"
		mkdir -p "$out"
		t0=$(date +%s%N)
		PODUNIT_UNIT_DIRS="$2" QUADLET_UNIT_DIRS="$2" "$3" ${4:-} "$out" "$out" "$out"
		t1=$(date +%s%N)
		us=$(((t1 - t0) / 1000))
		[ $us -lt $best ] && best=$us
		total=$((total + us))
		rm -rf "$out"
		n=$((n + 1))
	done
	echo "$best $((total / runs))"
}
ms() { echo "$(($1 / 1000)).$(printf %03d $(($1 % 1000)))"; }
# compare NAME SOURCEDIR: podunit and Quadlet alternately, then the ratio of bests
compare() {
	set -- "$1" "$2" $(measure "$1" "$2" "$base/podunit-generator") $(measure "$1" "$2" "$quadlet" -no-kmsg-log)
	printf '%-22s podunit best %8s ms mean %8s ms | quadlet best %8s ms mean %8s ms | ratio %s\n' \
		"$1" "$(ms $3)" "$(ms $4)" "$(ms $5)" "$(ms $6)" \
		"$(awk -v a="$3" -v b="$5" 'BEGIN { printf "%.2fx", a / b }')"
}
echo "quadlet: $("$quadlet" -version), runs: $runs, load: $(cut -d' ' -f1 /proc/loadavg)"
check() { # the two write the same units (files; Quadlet enables them with symlinks, podunit with drop-ins)
	mkdir -p "$base/chk-p" "$base/chk-q"
	PODUNIT_UNIT_DIRS="$1" "$base/podunit-generator" "$base/chk-p" "$base/chk-p" "$base/chk-p"
	QUADLET_UNIT_DIRS="$1" "$quadlet" -no-kmsg-log "$base/chk-q" "$base/chk-q" "$base/chk-q"
	p=$(find "$base/chk-p" -type f -name "*.service" | wc -l) q=$(find "$base/chk-q" -type f -name "*.service" | wc -l)
	rm -rf "$base/chk-p" "$base/chk-q"
	if [ "$p" != "$q" ]; then echo "podunit wrote $p units, quadlet $q" >&2; exit 1; fi
}
check "$base/ctr"
check "$base/pod"
compare "1000 containers" "$base/ctr"
compare "300 pods x 3 members" "$base/pod"
