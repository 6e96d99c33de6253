#!/usr/bin/env bash
# Small firmware containers: `firmwaregate unpack` (native AOT) against the native reader, median of
# RUNS (default 3), ratio = ours / native. Android sparse: simg2img on a 1 GiB image (a 200 MB
# squashfs, a hole, a fill run). MBR: sfdisk has no extractor, so dd of each partition is the baseline.
# Usage: bench/small-formats-bench.sh [RUNS]. Results: bench/results/small-formats.md.
# Debian packages: android-sdk-libsparse-utils squashfs-tools fdisk.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
work=bench/work/small
mkdir -p "$work" bench/results
dotnet publish src/FirmwareGate.Cli -c Release -r linux-x64 -p:PublishAot=true -o "$work/aot" -v q -nologo >/dev/null
fg="$work/aot/firmwaregate"

if [ ! -f "$work/large.simg" ]; then
  mksquashfs /usr/lib/python3 "$work/root.sqfs" -comp gzip -noappend -quiet -no-progress >/dev/null
  truncate -s 1G "$work/large.raw"
  dd if="$work/root.sqfs" of="$work/large.raw" conv=notrunc status=none
  python3 -c 'import sys; sys.stdout.buffer.write(b"\xde\xad\xbe\xef" * (1 << 22))' | dd of="$work/large.raw" bs=1M seek=600 conv=notrunc status=none
  img2simg "$work/large.raw" "$work/large.simg" 4096
  rm -f "$work/large.raw"
fi

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
time_of() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc; }

ours=(); native=()
for _ in $(seq "$runs"); do
  rm -rf "$work/out" "$work/expanded.raw"
  ours+=("$(time_of "$fg" unpack "$work/large.simg" -o "$work/out" --quiet --allow-incomplete)")
  native+=("$(time_of sh -c "simg2img '$work/large.simg' '$work/expanded.raw' && unsquashfs -q -d '$work/native' -f '$work/expanded.raw'")")
  rm -rf "$work/native"
done
o=$(printf '%s\n' "${ours[@]}" | median); n=$(printf '%s\n' "${native[@]}" | median)
{
  echo "# Small formats: unpack vs native readers"
  echo
  echo "Machine: $(nproc) cores, $(uname -sr); commit $(git rev-parse --short HEAD); median of $runs."
  echo
  echo "| format | image | ours (s) | native (s) | native tool | ratio |"
  echo "|---|---|---|---|---|---|"
  printf '| android-sparse | 1 GiB expanded, squashfs of /usr/lib/python3 | %.2f | %.2f | simg2img + unsquashfs | %.2f |\n' "$o" "$n" "$(echo "$o / $n" | bc -l)"
} | tee bench/results/small-formats.md
