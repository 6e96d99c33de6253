#!/usr/bin/env bash
# YAFFS2 benchmark: `firmwaregate unpack` (native AOT) against unyaffs (Debian package unyaffs, the native
# reader) on a ~50 MB little-endian 2048+64 image written by tests/fixtures/yaffs2/make-yaffs2.py --bench
# (files of random bytes, 3 KB to 700 KB). Median of RUNS each; ratio = ours / unyaffs.
# Usage: bench/yaffs2-bench.sh [RUNS] [MB]  (defaults 3 and 50). Results go to stdout and bench/results/yaffs2.md.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
mb="${2:-50}"
work=bench/work
mkdir -p "$work" bench/results
command -v unyaffs >/dev/null || { echo "needs unyaffs (apt-get install unyaffs)" >&2; exit 1; }

echo "building firmwaregate (native AOT)..."
dotnet publish src/FirmwareGate.Cli -c Release -r linux-x64 -p:PublishAot=true -o "$work/aot" -v q -nologo >/dev/null
fg="$work/aot/firmwaregate"

img="$work/large-$mb.yaffs2"
[ -f "$img" ] || python3 tests/fixtures/yaffs2/make-yaffs2.py --bench "$img" "$mb"

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
out="${BENCH_OUT:-/dev/shm}/firmwaregate-yaffs2-bench"

time_runs() {
  local times=()
  for _ in $(seq "$runs"); do
    rm -rf "$out"
    mkdir -p "$out"
    local start
    start=$(date +%s.%N)
    "$@" >/dev/null
    times+=("$(echo "$(date +%s.%N) - $start" | bc)")
  done
  printf '%s\n' "${times[@]}" | median
}

ours=$(time_runs "$fg" unpack "$img" -o "$out" --quiet --allow-incomplete)
ours_files=$(find "$out" -type f | wc -l)
ours_bytes=$(find "$out" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')
theirs=$(time_runs unyaffs "$img" "$out")
their_files=$(find "$out" -type f | wc -l)
their_bytes=$(find "$out" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')
rm -rf "$out"

{
  echo "# YAFFS2 unpack benchmark"
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr)."
  echo "Outputs in ${BENCH_OUT:-/dev/shm}. Commit: $(git rev-parse --short HEAD). Runs: $runs, median."
  echo "Image: $(stat -c %s "$img") bytes, little-endian 2048+64, written by make-yaffs2.py --bench."
  echo
  echo "| tool | files | bytes | seconds (median) |"
  echo "|---|---|---|---|"
  echo "| firmwaregate unpack | $ours_files | $ours_bytes | $ours |"
  echo "| unyaffs $(dpkg-query -W -f '${Version}' unyaffs 2>/dev/null || echo '?') | $their_files | $their_bytes | $theirs |"
  echo
  printf 'Ratio (ours / unyaffs): %.2f\n' "$(echo "$ours / $theirs" | bc -l)"
} | tee bench/results/yaffs2.md
