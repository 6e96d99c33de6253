#!/usr/bin/env bash
# UBI/UBIFS benchmark: `firmwaregate unpack` (native AOT) on a large UBI image built with mtd-utils
# (mkfs.ubifs + ubinize, 2 KiB pages, 128 KiB PEBs), one per UBIFS compressor, median of RUNS.
# No native reader exists to compare with: ubireader is not packaged, and the kernel's UBI/UBIFS
# (nandsim + mount) needs modules a container does not load. So this measures throughput only.
# Usage: bench/ubi-bench.sh [RUNS]  (default 3; UBI_SOURCES overrides the tree). Writes bench/results/ubi.md.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
work=bench/work/ubi
mkdir -p "$work" bench/results
command -v mkfs.ubifs >/dev/null || { sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo; $sudo apt-get install -y -qq mtd-utils >/dev/null; }

if [ ! -x "$work/aot/firmwaregate" ]; then
  echo "building firmwaregate (native AOT)..."
  dotnet publish src/FirmwareGate.Cli -c Release -r linux-x64 -p:PublishAot=true -o "$work/aot" -v q -nologo >/dev/null
fi

sources=${UBI_SOURCES:-/usr/include}
{
  echo "# UBI / UBIFS unpack throughput"
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)."
  echo "Commit: $(git rev-parse --short HEAD). Tree: $sources ($(du -sh "$sources" | cut -f1), $(find "$sources" | wc -l) entries)."
  echo "Load average when started: $(cut -d' ' -f1-3 /proc/loadavg) (other builds share the machine: compare rows of one run only)."
  echo "Native reader: none available (ubireader is not packaged; kernel UBI needs nandsim), so no ratio: throughput only."
  echo
  echo "| compressor | image MB | median s (of $runs) | image MB/s | files |"
  echo "| --- | ---: | ---: | ---: | ---: |"
} > "$work/ubi.md"

for comp in lzo zlib zstd; do
  img="$work/large-$comp.ubi"
  if [ ! -f "$img" ]; then
    echo "making $img from $sources..."
    mkfs.ubifs -q -r "$sources" -m 2048 -e 126976 -c 8192 -x "$comp" -o "$work/large-$comp.ubifs"
    printf '[rootfs]\nmode=ubi\nimage=%s\nvol_id=0\nvol_type=dynamic\nvol_name=rootfs\nvol_flags=autoresize\n' "$work/large-$comp.ubifs" > "$work/$comp.ini"
    ubinize -o "$img" -p 128KiB -m 2048 -s 2048 "$work/$comp.ini" 2>/dev/null
    rm -f "$work/large-$comp.ubifs"
  fi
  times=()
  for _ in $(seq "$runs"); do
    rm -rf "$work/out"
    start=$(date +%s.%N)
    "$work/aot/firmwaregate" unpack "$img" -o "$work/out" --quiet --allow-incomplete >/dev/null
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc)")
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  mb=$(echo "scale=1; $(stat -c %s "$img") / 1048576" | bc)
  files=$(find "$work/out" -type f | wc -l)
  echo "| $comp | $mb | $median | $(echo "scale=1; $mb / $median" | bc) | $files |" >> "$work/ubi.md"
  echo "$comp: ${median}s"
done
rm -rf "$work/out"
cp "$work/ubi.md" bench/results/ubi.md
cat bench/results/ubi.md
