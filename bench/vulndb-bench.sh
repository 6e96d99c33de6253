#!/usr/bin/env bash
# Vulnerability database scale benchmark on a SYNTHETIC NVD-scale data set (300,000 records in NVD API 2.0 pages,
# ~1.5 million CPE match entries): full import time, database size, candidates + matching for 500 components, and
# an incremental update of 1,000 changed records. Targets: import < 3 min on 2 cores, match 500 < 200 ms,
# incremental < 5 s. Usage: bench/vulndb-bench.sh [WORK_DIR] (default bench/work/vulndb; ~1 GB of JSON and database).
# Results go to stdout and bench/results/vulndb.md.
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-bench/work/vulndb}"
[ $# -gt 0 ] && shift
mkdir -p "$work" bench/results

echo "building bench/VulnDbBench (Release)..."
dotnet build bench/VulnDbBench -c Release -v q -nologo -o "$work/bin" >/dev/null

commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src bench/VulnDbBench || echo '+changes')"
dotnet "$work/bin/VulnDbBench.dll" --work "$work" --commit "$commit" --out bench/results/vulndb.md "$@"
