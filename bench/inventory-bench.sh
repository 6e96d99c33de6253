#!/usr/bin/env bash
# Inventory benchmark: for every corpus image, the time the analysers and the inventory add
# (`durationsMs.inventory` of `firmwaregate scan`) against the time of the same image's unpack
# stage (`firmwaregate unpack -o DIR`, wall clock), native AOT build, alternating runs, medians.
# Target: inventory <= 20% of unpack. Usage: bench/inventory-bench.sh [RUNS] (default 5).
# Results go to stdout and bench/results/inventory.md.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
work=bench/work
mkdir -p "$work" bench/results
[ -x /usr/bin/time ] || { sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo; $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq time >/dev/null; }

echo "building firmwaregate (native AOT)..."
dotnet publish src/FirmwareGate.Cli -c Release -r linux-x64 -p:PublishAot=true -o "$work/aot" -v q -nologo >/dev/null

python3 bench/inventory_bench.py --aot "$work/aot/firmwaregate" --corpus "${FIRMWAREGATE_CORPUS:-../shared/corpus}" \
  --work "$work" --runs "$runs" --out bench/results/inventory.md
