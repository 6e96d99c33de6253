#!/usr/bin/env bash
# ext4 extraction benchmark: `firmwaregate unpack` (native AOT) against `debugfs -R 'rdump / OUT'`
# (e2fsprogs) on a generated ~50 MB ext4 image (mke2fs -d of /usr/share/doc and /usr/include, 4 KiB
# blocks). Alternating runs, median of RUNS (default 3), ratio = ours / native.
# Usage: bench/ext4-bench.sh [RUNS]. Results go to stdout and bench/results/ext4.md.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
work=bench/work/ext4
mkdir -p "$work" bench/results
command -v mke2fs >/dev/null && command -v debugfs >/dev/null || {
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq e2fsprogs >/dev/null
}

if [ ! -x "$work/aot/firmwaregate" ]; then
  echo "building firmwaregate (native AOT)..."
  dotnet publish src/FirmwareGate.Cli -c Release -r linux-x64 -p:PublishAot=true -o "$work/aot" -v q -nologo >/dev/null
fi

img="$work/large.ext4"
if [ ! -f "$img" ]; then
  src="$work/src"
  rm -rf "$src" && mkdir -p "$src"
  # About 50 MB: /usr/include's headers (many small files) up to 20 MB, plus 30 MB of generated files
  # from 4 KiB to 4 MiB (multi-extent files), some with holes.
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
r = random.Random(7)
os.makedirs(os.path.join(dst, "blobs"), exist_ok=True)
made = 0
i = 0
while made < 30 << 20:
    size = r.choice([4096, 65536, 1 << 20, 4 << 20])
    with open(os.path.join(dst, "blobs", "blob-%04d.bin" % i), "wb") as f:
        f.write(r.randbytes(size))
        if i % 5 == 0:
            f.seek(size * 2)
            f.write(b"after a hole")
    made += size
    i += 1
PY
  du -sh "$src"
  mke2fs -q -F -t ext4 -b 4096 -d "$src" "$img" "$(( $(du -sm "$src" | cut -f1) * 3 / 2 + 16 ))M"
fi

now() { date +%s.%N; }
ours=() native=()
for i in $(seq "$runs"); do
  rm -rf "$work/out-fg" "$work/out-debugfs" && mkdir -p "$work/out-debugfs"
  t0=$(now); "$work/aot/firmwaregate" unpack "$img" -o "$work/out-fg" --quiet --allow-incomplete >/dev/null; t1=$(now)
  debugfs -R "rdump / $work/out-debugfs" "$img" >/dev/null 2>&1; t2=$(now)
  ours+=("$(echo "$t1 - $t0" | bc)") native+=("$(echo "$t2 - $t1" | bc)")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mo=$(median "${ours[@]}") mn=$(median "${native[@]}")
ratio=$(echo "scale=2; $mo / $mn" | bc)
files=$(find "$work/out-debugfs" -type f | wc -l)
size=$(du -sm "$img" | cut -f1)
{
  echo "# ext4: firmwaregate unpack vs debugfs rdump"
  echo
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -sr)"
  echo "- commit: $(git rev-parse --short HEAD)"
  echo "- image: ${size} MB ext4 (4 KiB blocks), ${files} files; median of ${runs} runs"
  echo
  echo "| tool | median s |"
  echo "|---|---|"
  echo "| firmwaregate unpack (AOT) | $mo |"
  echo "| debugfs -R 'rdump / OUT' | $mn |"
  echo
  echo "ratio ours/native: **$ratio** (target: within 2x)"
} | tee bench/results/ext4.md
