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

echo "publishing bench/VulnDbBench (Release, native AOT as the CLI ships)..."
# Native AOT links with clang and zlib's headers (installed when missing).
if { ! command -v clang >/dev/null && ! command -v clang-14 >/dev/null; } || [ ! -f /usr/include/zlib.h ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang zlib1g-dev >/dev/null
fi
dotnet publish bench/VulnDbBench -c Release -r linux-x64 -v q -nologo -o "$work/bin" >/dev/null

commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src bench/VulnDbBench || echo '+changes')"
"$work/bin/VulnDbBench" --work "$work" --commit "$commit" --out bench/results/vulndb.md "$@"
