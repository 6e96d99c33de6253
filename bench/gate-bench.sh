#!/usr/bin/env bash
# Gate benchmark: for every corpus image, the wall time of a full `firmwaregate gate` (the shipped policy, the
# vulnerability database built from samples/vulndb, every report: JSON, SBOM, SARIF, Markdown, HTML) against the
# time of `firmwaregate unpack IMAGE -o DIR`, native AOT build, alternating runs, medians.
# Target: gate <= 1.5 x unpack. Usage: bench/gate-bench.sh [RUNS] (default 3).
# Results go to stdout and bench/results/gate.md.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
work=bench/work
mkdir -p "$work" bench/results

echo "building firmwaregate (native AOT)..."
dotnet publish src/FirmwareGate.Cli -c Release -r linux-x64 -p:PublishAot=true -o "$work/aot" -v q -nologo >/dev/null
rm -f "$work/gate-vulndb.sqlite"
"$work/aot/firmwaregate" db update --from samples/vulndb --db "$work/gate-vulndb.sqlite" --quiet

python3 bench/gate_bench.py --aot "$work/aot/firmwaregate" --corpus "${FIRMWAREGATE_CORPUS:-../shared/corpus}" \
  --db "$work/gate-vulndb.sqlite" --policy samples/firmware-policy.yml --work "$work" --runs "$runs" --out bench/results/gate.md
