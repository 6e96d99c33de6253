#!/usr/bin/env bash
# Security checks benchmark: for every corpus image, the time the checks (hardening, certificates, keys,
# accounts, configuration) add to `firmwaregate scan` (scan minus `scan --no-checks`, wall clock) against the
# time of the same image's unpack stage (`firmwaregate unpack -o DIR`), native AOT build, alternating runs,
# medians. Target: checks <= 30% of unpack. Usage: bench/checks-bench.sh [RUNS] (default 5).
# Results go to stdout and bench/results/checks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
work=bench/work
mkdir -p "$work" bench/results

echo "building firmwaregate (native AOT)..."
dotnet publish src/FirmwareGate.Cli -c Release -r linux-x64 -p:PublishAot=true -o "$work/aot" -v q -nologo >/dev/null

python3 bench/checks_bench.py --aot "$work/aot/firmwaregate" --corpus "${FIRMWAREGATE_CORPUS:-../shared/corpus}" \
  --work "$work" --runs "$runs" --out bench/results/checks.md
