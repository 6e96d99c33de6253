#!/usr/bin/env bash
# Vendor headers: no native tool reads them, so this times `firmwaregate scan` on images with large parts
# (the cost is the checksum pass: MD5, CRC32, Netgear's sums, kwbimage's word sum) and prints `md5sum` over
# the same file as a reference for one pass over the bytes. Median of RUNS (default 3).
# Usage: bench/vendor-bench.sh [RUNS]; FIRMWAREGATE=path skips the native AOT publish.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
work=bench/work/vendor
mkdir -p "$work" bench/results
fg="${FIRMWAREGATE:-}"
if [ -z "$fg" ]; then
  dotnet publish src/FirmwareGate.Cli -c Release -r linux-x64 -p:PublishAot=true -o bench/work/aot -v q -nologo >/dev/null
  fg=bench/work/aot/firmwaregate
fi
[ -f "$work/tplink-v1.bin" ] || VENDOR_PAYLOAD_MIB=16 python3 tests/fixtures/vendor/make-vendor-headers.py "$work"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timeit() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc; }
out=bench/results/vendor-formats.md
{
  echo "| image | size | firmwaregate scan (s) | md5sum (s) | ratio |"
  echo "|---|---|---|---|---|"
  for f in tplink-v1.bin netgear.chk seama.bin ubiquiti.bin kwbimage-v0.kwb; do
    ours=$(for _ in $(seq "$runs"); do timeit "$fg" scan "$work/$f" --json /dev/null; done | median)
    ref=$(for _ in $(seq "$runs"); do timeit md5sum "$work/$f"; done | median)
    echo "| $f | $(stat -c %s "$work/$f") | $ours | $ref | $(echo "scale=2; $ours / $ref" | bc) |"
  done
} | tee "$work/table.md"
echo "table written to $work/table.md; copy it into $out with the machine and commit"
