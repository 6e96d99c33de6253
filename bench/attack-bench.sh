#!/usr/bin/env bash
# Crafted-input benchmark: every attack input the security tests build (tests/.../Security/AttackCorpus.cs),
# each unpacked by its own native `firmwaregate` process. Targets: under 10 s and 512 MB peak RSS,
# exit 0, 2 or 3, and no more bytes on disk than --max-total-bytes.
# Usage: bench/attack-bench.sh   Results go to stdout and bench/results/attacks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
work=bench/work/attacks
rm -rf "$work"
mkdir -p "$work/inputs" bench/results
if [ ! -x /usr/bin/time ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq time >/dev/null
fi

echo "building firmwaregate (native AOT)..."
dotnet publish src/FirmwareGate.Cli -c Release -r linux-x64 -p:PublishAot=true -o bench/work/aot -v q -nologo >/dev/null
echo "writing the attack inputs..."
FIRMWAREGATE_ATTACK_DIR="$PWD/$work/inputs" dotnet test tests/FirmwareGate.Core.Tests --filter "FullyQualifiedName~AttackCorpusTests" -v q -nologo >/dev/null
python3 bench/attack_bench.py --exe bench/work/aot/firmwaregate --inputs "$work/inputs" --work "$work" --out bench/results/attacks.md
