#!/usr/bin/env bash
# CramFS and RomFS benchmark: `firmwaregate unpack` (native AOT) against `fsck.cramfs --extract=DIR`
# (util-linux-extra, the native cramfs extractor) on a generated tree of a few thousand files
# (about 60 MiB of mixed text-like and random bytes, each file under cramfs's 16 MiB), packed
# little- and big-endian by mkfs.cramfs; median of RUNS, ratio = ours / native. RomFS has no native
# extractor in Debian (genromfs only writes images), so for it the script reports our throughput only.
# Usage: bench/cramfs-bench.sh [RUNS]  (default 3). Results go to stdout and bench/results/cramfs.md.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
work=bench/work
mkdir -p "$work" bench/results
command -v mkfs.cramfs >/dev/null || { echo "needs mkfs.cramfs and fsck.cramfs (apt-get install util-linux-extra)" >&2; exit 1; }
command -v genromfs >/dev/null || { echo "needs genromfs (apt-get install genromfs)" >&2; exit 1; }

echo "building firmwaregate (native AOT)..."
[ -n "${SKIP_BUILD:-}" ] || dotnet publish src/FirmwareGate.Cli -c Release -r linux-x64 -p:PublishAot=true -o "$work/aot" -v q -nologo >/dev/null
fg="$work/aot/firmwaregate"

tree="$work/cramfs-tree"
if [ ! -d "$tree" ]; then
  echo "generating $tree..."
  python3 - "$tree" <<'PY'
import os, random, sys
root = sys.argv[1]
r = random.Random(2121)
words = [bytes(r.randrange(97, 123) for _ in range(r.randrange(2, 10))) for _ in range(2000)]
for i in range(3000):
    d = os.path.join(root, "d%02d" % (i % 40), "s%d" % (i % 7))
    os.makedirs(d, exist_ok=True)
    size = r.randrange(512, 40000)
    if i % 4 == 0:
        data = r.randbytes(size)
    else:
        data = b" ".join(r.choice(words) for _ in range(size // 5))[:size]
    open(os.path.join(d, "f%04d.bin" % i), "wb").write(data)
PY
fi

for variant in le be; do
  img="$work/large-$variant.cramfs"
  [ -f "$img" ] || mkfs.cramfs -N "$([ $variant = le ] && echo little || echo big)" "$tree" "$img"
done
[ -f "$work/large.romfs" ] || genromfs -d "$tree" -V bench -f "$work/large.romfs"

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
out_root="${BENCH_OUT:-/dev/shm}"

# time_cmd OUT CMD...: seconds for one run with a fresh output folder.
time_cmd() {
  local out=$1; shift
  rm -rf "$out"
  local start
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
  echo "$(date +%s.%N) - $start" | bc
}

ours() { "$fg" unpack "$1" -o "$2" --quiet --allow-incomplete; }
native() { fsck.cramfs --extract="$2" "$1"; }

{
  echo "# CramFS and RomFS unpack benchmark"
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr)."
  echo "Outputs in $out_root. Commit: $(git rev-parse --short HEAD). Runs: $runs, median."
  echo "Tree: 3000 generated files in 280 folders ($(du -sb "$tree" | awk '{printf "%.1f", $1 / 1048576}') MiB; a quarter random, the rest text-like)."
  echo
  echo "| image | image MiB | firmwaregate unpack s | fsck.cramfs --extract s | ratio | image MiB/s (ours) |"
  echo "|---|---|---|---|---|---|"
  for variant in le be; do
    img="$work/large-$variant.cramfs"
    a=(); b=()
    for _ in $(seq "$runs"); do
      a+=("$(time_cmd "$out_root/fg-cramfs" ours "$img" "$out_root/fg-cramfs")")
      b+=("$(time_cmd "$out_root/fsck-cramfs" native "$img" "$out_root/fsck-cramfs")")
    done
    ta=$(printf '%s\n' "${a[@]}" | median)
    tb=$(printf '%s\n' "${b[@]}" | median)
    size=$(stat -c %s "$img")
    printf '| cramfs %s | %.1f | %.2f | %.2f | %.2f | %.1f |\n' "$variant" "$(echo "$size / 1048576" | bc -l)" "$ta" "$tb" \
      "$(echo "$ta / $tb" | bc -l)" "$(echo "$size / 1048576 / $ta" | bc -l)"
  done
  rm -rf "$out_root/fg-cramfs" "$out_root/fsck-cramfs"
  echo
  echo "RomFS: no native extractor is packaged in Debian (genromfs only writes images; mounting needs"
  echo "privileges the bench does not have), so there is no ratio, only our throughput."
  echo
  echo "| image | image MiB | firmwaregate unpack s | image MiB/s |"
  echo "|---|---|---|---|"
  img="$work/large.romfs"
  a=()
  for _ in $(seq "$runs"); do
    a+=("$(time_cmd "$out_root/fg-romfs" ours "$img" "$out_root/fg-romfs")")
  done
  ta=$(printf '%s\n' "${a[@]}" | median)
  size=$(stat -c %s "$img")
  printf '| romfs | %.1f | %.2f | %.1f |\n' "$(echo "$size / 1048576" | bc -l)" "$ta" "$(echo "$size / 1048576 / $ta" | bc -l)"
  rm -rf "$out_root/fg-romfs"
} | tee bench/results/cramfs.md
