#!/bin/sh
# Measures podunit-generator's wall time on tmpfs: 1000 .container files,
# and 300 .pod files with 3 member containers each (goals: 60 ms, 180 ms).
# Usage: test/bench/generator.sh [runs]   (run from the repository root)
set -eu
runs=${1:-10}
base=$(mktemp -d /dev/shm/podunit-bench.XXXXXX)
trap 'rm -rf "$base"' EXIT
GOFLAGS="-buildvcs=false -tags=containers_image_openpgp,exclude_graphdriver_btrfs" \
	go build -o "$base/podunit-generator" ./cmd/podunit-generator

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

measure() { # name sourcedir
	best=999999 total=0 n=0
	while [ $n -lt "$runs" ]; do
		out="$base/out-$1-$n"
		mkdir -p "$out"
		t0=$(date +%s%N)
		PODUNIT_UNIT_DIRS="$2" "$base/podunit-generator" "$out" "$out" "$out"
		t1=$(date +%s%N)
		ms=$(((t1 - t0) / 1000))
		[ $ms -lt $best ] && best=$ms
		total=$((total + ms))
		rm -rf "$out"
		n=$((n + 1))
	done
	echo "$1: best $((best / 1000)).$(printf %03d $((best % 1000))) ms, mean $((total / runs / 1000)).$(printf %03d $((total / runs % 1000))) ms over $runs runs"
}
measure "1000 containers" "$base/ctr"
measure "300 pods x 3 members" "$base/pod"
