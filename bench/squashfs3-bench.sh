#!/usr/bin/env bash
# SquashFS variants benchmark: `firmwaregate unpack` (native AOT) against `unsquashfs -d`
# (squashfs-tools, which reads 3.x) on a generated SquashFS 3.1 little-endian gzip image
# (tests/fixtures/squashfs-variants/make-squashfs3.py --bench: FILES files, about SIZE_MB MB), and the
# 4.0 little-endian path (mksquashfs gzip and zstd of SOURCES) to show it did not slow down: with
# BASE=<commit>, that commit is built too and timed on the same 4.0 images. Median of RUNS.
# Usage: [BASE=commit] [SIZE_MB=40] [FILES=3000] bench/squashfs3-bench.sh [RUNS]  (default 3).
# Results go to stdout and bench/results/squashfs-variants.md.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
work=bench/work
mkdir -p "$work" bench/results
command -v unsquashfs >/dev/null || { echo "needs unsquashfs and mksquashfs (apt-get install squashfs-tools)" >&2; exit 1; }

echo "building firmwaregate (native AOT)..."
dotnet publish src/FirmwareGate.Cli -c Release -r linux-x64 -p:PublishAot=true -o "$work/aot" -v q -nologo >/dev/null
fg="$work/aot/firmwaregate"
fgbase=""
if [ -n "${BASE:-}" ]; then
  echo "building firmwaregate at $BASE..."
  rm -rf "$work/base-src" && mkdir -p "$work/base-src"
  git archive "$BASE" | tar -x -C "$work/base-src"
  dotnet publish "$work/base-src/src/FirmwareGate.Cli" -c Release -r linux-x64 -p:PublishAot=true -o "$work/aot-base" -v q -nologo >/dev/null
  fgbase="$work/aot-base/firmwaregate"
fi

size_mb=${SIZE_MB:-40}
files=${FILES:-3000}
img3="$work/sqfs3-le-gzip-${size_mb}m.img"
[ -f "$img3" ] || python3 tests/fixtures/squashfs-variants/make-squashfs3.py --bench "$img3" --size-mb "$size_mb" --files "$files"
sources=${SOURCES:-/usr/include}
for comp in gzip zstd; do
  [ -f "$work/sqfs4-$comp.sqfs" ] || mksquashfs "$sources" "$work/sqfs4-$comp.sqfs" -comp "$comp" -noappend -quiet -no-progress >/dev/null
done

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
out="${BENCH_OUT:-/dev/shm}/firmwaregate-squashfs3-bench"
timeit() {
  local times=()
  for _ in $(seq "$runs"); do
    rm -rf "$out"
    local start
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    times+=("$(echo "$(date +%s.%N) - $start" | bc)")
  done
  rm -rf "$out"
  printf '%s\n' "${times[@]}" | median
}

{
  echo "# SquashFS variants unpack benchmark"
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr)."
  echo "Outputs in ${BENCH_OUT:-/dev/shm}. Commit: $(git rev-parse --short HEAD)${BASE:+, base $BASE}. Runs: $runs, median."
  echo "unsquashfs: $(unsquashfs -version 2>&1 | head -1). 4.0 images: mksquashfs of $sources."
  echo
  echo "| image | MB | firmwaregate s | unsquashfs s | ratio |${BASE:+ base firmwaregate s | now / base |}"
  echo "|---|---|---|---|---|${BASE:+---|---|}"
  for img in "$img3" "$work/sqfs4-gzip.sqfs" "$work/sqfs4-zstd.sqfs"; do
    t=$(timeit "$fg" unpack "$img" -o "$out" --quiet --allow-incomplete)
    u=$(timeit unsquashfs -q -no-progress -d "$out" "$img")
    row=$(printf '| %s | %.1f | %.2f | %.2f | %.2fx |' "$(basename "$img")" "$(echo "$(stat -c %s "$img") / 1000000" | bc -l)" "$t" "$u" "$(echo "$t / $u" | bc -l)")
    if [ -n "$fgbase" ]; then
      if [ "$img" = "$img3" ]; then
        row="$row n/a (3.x not read) | |"
      else
        b=$(timeit "$fgbase" unpack "$img" -o "$out" --quiet --allow-incomplete)
        row="$row $(printf '%.2f | %.2fx |' "$b" "$(echo "$t / $b" | bc -l)")"
      fi
    fi
    echo "$row"
  done
} | tee bench/results/squashfs-variants.md
