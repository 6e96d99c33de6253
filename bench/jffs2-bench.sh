#!/usr/bin/env bash
# JFFS2 benchmark: `firmwaregate unpack` (native AOT) on a large mkfs.jffs2 image (mtd-utils), median
# of RUNS. No native JFFS2 reader is packaged in Debian (jefferson is Python and not packaged; the
# kernel's jffs2 cannot be mounted in an unprivileged container), so there is no ratio: the script
# reports our time, throughput over the image and over the unpacked bytes, and mkfs.jffs2's own time
# to write the image as a yardstick. Usage: bench/jffs2-bench.sh [RUNS]  (default 3; SOURCES overrides
# the tree). Results go to stdout and bench/results/jffs2.md.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
work=bench/work
mkdir -p "$work" bench/results
command -v mkfs.jffs2 >/dev/null || { echo "needs mkfs.jffs2 (apt-get install mtd-utils)" >&2; exit 1; }

echo "building firmwaregate (native AOT)..."
dotnet publish src/FirmwareGate.Cli -c Release -r linux-x64 -p:PublishAot=true -o "$work/aot" -v q -nologo >/dev/null
fg="$work/aot/firmwaregate"

sources=${SOURCES:-/usr/include}
declare -A mkfs_time
for variant in le-zlib be-lzo; do
  img="$work/large-$variant.jffs2"
  if [ ! -f "$img" ]; then
    case $variant in
      le-zlib) opts=(-l) ;;
      be-lzo) opts=(-b -X lzo -x zlib -x rtime) ;;
    esac
    echo "making $img from $sources..."
    start=$(date +%s.%N)
    mkfs.jffs2 -r "$sources" -e 128KiB --pad "${opts[@]}" -o "$img"
    mkfs_time[$variant]=$(echo "$(date +%s.%N) - $start" | bc)
  fi
done

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

{
  echo "# JFFS2 unpack benchmark"
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr)."
  echo "Outputs in ${BENCH_OUT:-/dev/shm}. Commit: $(git rev-parse --short HEAD). Runs: $runs, median. Tree: $sources."
  echo
  echo "No native JFFS2 reader exists here to compare with (none packaged in Debian; mounting needs"
  echo "privileges the bench does not have), so no ratio is given. mkfs.jffs2's time to write the"
  echo "image (one run, when the image was made) is shown only as a yardstick."
  echo
  echo "| image | image MiB | files | unpacked MiB | firmwaregate unpack s | image MiB/s | unpacked MiB/s | mkfs.jffs2 s |"
  echo "|---|---|---|---|---|---|---|---|"
  for variant in le-zlib be-lzo; do
    img="$work/large-$variant.jffs2"
    times=()
    for _ in $(seq "$runs"); do
      out="${BENCH_OUT:-/dev/shm}/firmwaregate-jffs2-bench"
      rm -rf "$out"
      start=$(date +%s.%N)
      "$fg" unpack "$img" -o "$out" --quiet --allow-incomplete >/dev/null
      times+=("$(echo "$(date +%s.%N) - $start" | bc)")
    done
    t=$(printf '%s\n' "${times[@]}" | median)
    size=$(stat -c %s "$img")
    files=$(find "$out" -type f | wc -l)
    unpacked=$(du -sb "$out" | cut -f1)
    rm -rf "$out"
    printf '| %s | %.1f | %d | %.1f | %.2f | %.1f | %.1f | %s |\n' "$variant" "$(echo "$size / 1048576" | bc -l)" "$files" \
      "$(echo "$unpacked / 1048576" | bc -l)" "$t" "$(echo "$size / 1048576 / $t" | bc -l)" "$(echo "$unpacked / 1048576 / $t" | bc -l)" "${mkfs_time[$variant]:-cached}"
  done
} | tee bench/results/jffs2.md
