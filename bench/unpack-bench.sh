#!/usr/bin/env bash
# Extraction benchmark: `firmwaregate unpack` against `unsquashfs` (SquashFS layers, every codec)
# and `binwalk -Me` (whole corpus images), alternating runs, medians, ratios and
# peak RSS. Usage: bench/unpack-bench.sh [RUNS]   (default 5; LARGE_SOURCES overrides the tree
# used for the large images). Results go to stdout and bench/results/unpack.md.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
work=bench/work
mkdir -p "$work" bench/results

need=()
command -v unsquashfs >/dev/null || need+=(squashfs-tools)
command -v mksquashfs >/dev/null || need+=(squashfs-tools)
command -v binwalk >/dev/null || need+=(binwalk)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

# Two builds: native AOT (a single executable, as a container image ships it) and the plain
# framework-dependent .NET tool (JIT), as `dotnet tool install` runs it.
echo "building firmwaregate (native AOT and .NET tool)..."
dotnet publish src/FirmwareGate.Cli -c Release -r linux-x64 -p:PublishAot=true -o "$work/aot" -v q -nologo >/dev/null
dotnet publish src/FirmwareGate.Cli -c Release -o "$work/tool" -v q -nologo >/dev/null

# Large images: a few hundred MB and tens of thousands of files, one per SquashFS codec (cached).
sources=${LARGE_SOURCES:-"/usr/lib/python3 /usr/include /usr/share/doc"}
for comp in gzip xz lzma lzo lz4 zstd; do
  img="$work/large-$comp.sqfs"
  if [ ! -f "$img" ]; then
    echo "making $img from $sources..."
    # shellcheck disable=SC2086
    mksquashfs $sources "$img" -comp "$comp" -noappend -quiet -no-progress >/dev/null
  fi
done

python3 bench/unpack_bench.py --aot "$work/aot/firmwaregate" --tool "$work/tool/firmwaregate.dll" --corpus "${FIRMWAREGATE_CORPUS:-../shared/corpus}" \
  --work "$work" --runs "$runs" --out bench/results/unpack.md
