#!/usr/bin/env bash
# ISO 9660 extraction benchmark: `firmwaregate unpack` (native AOT) against `7z x` (p7zip-full) and
# `xorriso -osirrox on -indev IMG -extract / OUT` (xorriso) on a generated ~60 MB Rock Ridge + Joliet
# ISO (xorriso -as mkisofs -R -J of /usr/include's headers, a few thousand files, plus 40 MB of
# generated files). Alternating runs, median of RUNS (default 3), ratio = ours / the faster native tool.
# Usage: bench/iso-bench.sh [RUNS]. Results go to stdout and bench/results/iso9660.md.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
work=bench/work/iso
mkdir -p "$work" bench/results
need=()
command -v xorriso >/dev/null || need+=(xorriso)
command -v 7z >/dev/null || need+=(p7zip-full)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

if [ ! -x "$work/aot/firmwaregate" ]; then
  echo "building firmwaregate (native AOT)..."
  dotnet publish src/FirmwareGate.Cli -c Release -r linux-x64 -p:PublishAot=true -o "$work/aot" -v q -nologo >/dev/null
fi

img="$work/large.iso"
if [ ! -f "$img" ]; then
  src="$work/src"
  rm -rf "$src" && mkdir -p "$src"
  python3 - "$src" <<'PY'
import os, random, shutil, sys
dst = sys.argv[1]
total = 0
for d, _, files in sorted(os.walk("/usr/include")):
    for n in sorted(files):
        p = os.path.join(d, n)
        if total > 20 << 20 or os.path.islink(p) or not os.path.isfile(p):
            continue
        q = os.path.join(dst, "include", os.path.relpath(p, "/usr/include"))
        os.makedirs(os.path.dirname(q), exist_ok=True)
        shutil.copyfile(p, q)
        total += os.path.getsize(p)
r = random.Random(9660)
os.makedirs(os.path.join(dst, "blobs"), exist_ok=True)
made, i = 0, 0
while made < 40 << 20:
    size = r.choice([4096, 65536, 1 << 20, 4 << 20])
    with open(os.path.join(dst, "blobs", "blob-%04d.bin" % i), "wb") as f:
        f.write(r.randbytes(size))
    made += size
    i += 1
PY
  xorriso -no_rc -report_about FAILURE -as mkisofs -R -J -joliet-long -o "$img" "$src"
fi

now() { date +%s.%N; }
ours=() sevenz=() xorr=()
for i in $(seq "$runs"); do
  rm -rf "$work/out-fg" "$work/out-7z" "$work/out-xorriso"
  t0=$(now); "$work/aot/firmwaregate" unpack "$img" -o "$work/out-fg" --quiet --allow-incomplete >/dev/null; t1=$(now)
  7z x -y -o"$work/out-7z" "$img" >/dev/null; t2=$(now)
  xorriso -no_rc -report_about FAILURE -osirrox on -indev "$img" -extract / "$work/out-xorriso" >/dev/null 2>&1; t3=$(now)
  ours+=("$(echo "$t1 - $t0" | bc)") sevenz+=("$(echo "$t2 - $t1" | bc)") xorr+=("$(echo "$t3 - $t2" | bc)")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mo=$(median "${ours[@]}") m7=$(median "${sevenz[@]}") mx=$(median "${xorr[@]}")
fastest=$(printf '%s\n' "$m7" "$mx" | sort -g | head -1)
ratio=$(echo "scale=2; $mo / $fastest" | bc)
files=$(find "$work/out-xorriso" -type f | wc -l)
ourfiles=$(find "$work/out-fg" -path '*/root/*' -type f | wc -l)
size=$(du -sm "$img" | cut -f1)
{
  echo "# ISO 9660: firmwaregate unpack vs 7z x and xorriso -extract"
  echo
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -sr)"
  echo "- commit: $(git rev-parse --short HEAD)"
  echo "- image: ${size} MB ISO 9660 with Rock Ridge and Joliet, ${files} files (firmwaregate extracted ${ourfiles}); median of ${runs} runs"
  echo
  echo "| tool | median s |"
  echo "|---|---|"
  echo "| firmwaregate unpack (AOT) | $mo |"
  echo "| 7z x | $m7 |"
  echo "| xorriso -osirrox on -extract / OUT | $mx |"
  echo
  echo "ratio ours/faster native: **$ratio** (target: within 2x)"
} | tee bench/results/iso9660.md
