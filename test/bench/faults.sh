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
	local label=$1 prog=$2 i cpu
	shift 2
	"$prog" "$@" >/dev/null 2>&1 || true # once unrecorded: the page cache
	rm -f "$work"/pf-*.txt
	for i in $(seq "$runs"); do
		perf record -q -e page-faults -c 1 -d -o "$work/pf.data" -- "$prog" "$@" >/dev/null 2>&1 || true
		perf script -i "$work/pf.data" -F pid,addr 2>/dev/null >"$work/pf-$i.txt"
	done
	readelf -SW "$prog" >"$work/sections"
	cpu=$({ perf stat -r "$runs" -x, -e task-clock -- "$prog" "$@" 2>&1 >/dev/null || true; } | awk -F, '/task-clock/ {print $1}')
	python3 - "$work/sections" "$label" "$cpu" "$work"/pf-*.txt <<'PY'
import collections, statistics, sys
sections, label, cpu, runs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
sec = {}
for line in open(sections):
    p = line.replace("[ ", "[").split()
    if len(p) > 5 and p[1].startswith("."):
        sec[p[1]] = (int(p[3], 16), int(p[5], 16))
text, ro, pcln = sec[".text"][0], sec[".rodata"][0], sec[".gopclntab"][0]
data = min(sec[s][0] for s in (".go.buildinfo", ".noptrdata", ".data") if s in sec)
bss = sec[".bss"][0]
end = max(a + n for a, n in sec.values() if a)
regions = ("text", "rodata", "pclntab", "data", "bss", "heap", "runtime")
def region(a):
    if text - 0x1000 <= a < ro: return "text"
    if ro <= a < pcln: return "rodata"
    if pcln <= a < data: return "pclntab"
    if data <= a < bss: return "data"
    if bss <= a < end: return "bss"
    return "runtime" if a >= 0x7F0000000000 else "heap"
rows = []
for path in runs:
    faults = [line.split() for line in open(path)]
    faults = [(pid, int(addr, 16)) for pid, addr in (f for f in faults if len(f) == 2)]
    pids = collections.Counter(pid for pid, _ in faults)
    main = pids.most_common(1)[0][0] if pids else None  # the program, not perf's own fork
    c = collections.Counter(region(a) for pid, a in faults if pid == main)
    rows.append([c[k] for k in regions])
cols = [statistics.median(r[i] for r in rows) for i in range(len(regions))]
cpu = f"{float(cpu):6.2f}" if cpu else "     ?"
print(f"{label:34} {statistics.median(sum(r) for r in rows):6.0f} " + " ".join(f"{v:7.0f}" for v in cols) + "   " + cpu)
PY
}

pu=("$bin" --root "$work/root" --runroot /run/podunit-bench-faults)
echo "faults.sh: page faults of one run (median of $runs) by region, and CPU ms (perf stat); $(uname -r)"
printf '%-34s %6s %7s %7s %7s %7s %7s %7s %7s   %6s\n' program total text rodata pclntab data bss heap runtime "CPU ms"
measure "empty Go program" "$work/empty-go"
[ -x "$start" ] && measure "podunit-start (no plan: usage)" "$start"
measure "podunit ${args[*]}" "${pu[@]}" "${args[@]}"
rm -rf /run/podunit-bench-faults
