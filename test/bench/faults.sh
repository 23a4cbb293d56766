#!/usr/bin/env bash
# faults.sh: where a short podunit process's page faults land, region by
# region of its address space, beside an empty Go program (the floor of any Go
# process) and podunit-start. On a machine kind where a fault costs 10-15 us
# (PERFORMANCE.md, sixteenth and nineteenth sessions) they are a large part of
# a command's CPU. perf records every page fault with its address
# (`perf record -e page-faults -c 1 -d`); each address goes to the section of
# the program's ELF file that holds it (text, read-only data, the pclntab and
# the tables after it, data, bss) or, outside the file, to the Go heap's
# arenas (below the mmap area) or the other anonymous mappings (the runtime's
# own structures: page allocator summaries, span sets, mcache; above it).
# Medians over RUNS runs, with the CPU time of each (perf stat).
# As root (or with perf allowed), after `make build`, on the host:
#   RUNS=20 test/bench/faults.sh                 # ps -a on an empty store
#   test/bench/faults.sh -- pod ps               # any podunit arguments
set -euo pipefail
. "$(dirname "$0")/lib.sh"
runs=${RUNS:-20}
work=/var/lib/podunit-bench-faults
command -v perf >/dev/null || { echo "faults.sh: perf is missing (apt-get install linux-perf)" >&2; exit 1; }
command -v go >/dev/null || { echo "faults.sh: go is missing (the empty program is built here)" >&2; exit 1; }
args=(ps -a)
[ "${1:-}" = "--" ] && { shift; args=("$@"); }
rm -rf "$work" && mkdir -p "$work/empty"
printf 'package main\n\nfunc main() {}\n' >"$work/empty/main.go"
(cd "$work/empty" && GOFLAGS= CGO_ENABLED=0 go mod init empty >/dev/null 2>&1 && CGO_ENABLED=0 go build -trimpath -o "$work/empty-go" .)
start=$(dirname "$bin")/podunit-start
evict_programs "$bin" "$start" "$work/empty-go"

# measure LABEL PROGRAM ARGS...: RUNS recorded runs; prints one table row
measure() {
	local label=$1 prog=$2 i
	shift 2
	"$prog" "$@" >/dev/null 2>&1 || true # once unrecorded: the page cache
	: >"$work/rows"
	for i in $(seq "$runs"); do
		perf record -q -e page-faults -c 1 -d -o "$work/pf.data" -- "$prog" "$@" >/dev/null 2>&1 || true
		perf script -i "$work/pf.data" -F pid,addr 2>/dev/null >"$work/pf.txt"
		readelf -SW "$prog" >"$work/sections"
		python3 - "$work/sections" "$work/pf.txt" >>"$work/rows" <<'PY'
import collections, sys
sec = {}
for line in open(sys.argv[1]):
    p = line.replace("[ ", "[").split()
    if len(p) > 5 and p[1].startswith("."):
        sec[p[1]] = (int(p[3], 16), int(p[5], 16))
text, ro, pcln = sec[".text"][0], sec[".rodata"][0], sec[".gopclntab"][0]
data = min(sec[s][0] for s in (".go.buildinfo", ".noptrdata", ".data") if s in sec)
bss = sec[".bss"][0]
end = max(a + n for a, n in sec.values() if a)
pids = collections.Counter()
rows = []
for line in open(sys.argv[2]):
    p = line.split()
    if len(p) == 2:
        pids[p[0]] += 1
        rows.append((p[0], int(p[1], 16)))
main = pids.most_common(1)[0][0] if pids else None  # the program, not perf's own fork
c = collections.Counter()
for pid, a in rows:
    if pid != main:
        continue
    if text - 0x1000 <= a < ro: k = "text"
    elif ro <= a < pcln: k = "rodata"
    elif pcln <= a < data: k = "pclntab"
    elif data <= a < bss: k = "data"
    elif bss <= a < end: k = "bss"
    elif a >= 0x7F0000000000: k = "runtime"
    else: k = "heap"
    c[k] += 1
print(" ".join(str(c[k]) for k in ("text", "rodata", "pclntab", "data", "bss", "heap", "runtime")))
PY
	done
	cpu=$({ perf stat -r "$runs" -x, -e task-clock -- "$prog" "$@" 2>&1 >/dev/null || true; } | awk -F, '/task-clock/ {print $1}')
	python3 - "$work/rows" "$label" "$cpu" <<'PY'
import statistics, sys
rows = [list(map(int, l.split())) for l in open(sys.argv[1]) if l.strip()]
cols = [statistics.median(r[i] for r in rows) for i in range(7)]
cpu = f"{float(sys.argv[3]):6.2f}" if sys.argv[3] not in ("", "?") else "     ?"
print(f"{sys.argv[2]:34} {statistics.median(sum(r) for r in rows):6.0f} " + " ".join(f"{v:7.0f}" for v in cols) + "   " + cpu)
PY
}

pu=("$bin" --root "$work/root" --runroot /run/podunit-bench-faults)
echo "faults.sh: page faults of one run (median of $runs) by region, and CPU ms (perf stat); $(uname -r)"
printf '%-34s %6s %7s %7s %7s %7s %7s %7s %7s   %6s\n' program total text rodata pclntab data bss heap runtime "CPU ms"
measure "empty Go program" "$work/empty-go"
[ -x "$start" ] && measure "podunit-start (no plan: usage)" "$start"
measure "podunit ${args[*]}" "${pu[@]}" "${args[@]}"
rm -rf /run/podunit-bench-faults
