#!/usr/bin/env bash
# MSBuild benchmark: packs FirmwareGate.MSBuild, builds samples/firmware-project against it and measures
#  1. the time the gate adds to an incremental (no-op) build: the second build with FirmwareGateEnabled true and
#     false, alternating runs, medians;
#  2. the two ways to run the engine from a task: the packaged CLI as a process (what the task does: `gate` and
#     the bare process start, `--version`) and in-process in a private AssemblyLoadContext (bench/MSBuildAlcBench:
#     cold = first gate in a new context, warm = again in the same context);
#  3. the output of a passing and a failing build of the sample (trimmed).
# Usage: bench/msbuild-bench.sh [RUNS] (default 5). Prints the figures; bench/results/msbuild.md records them.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
repo=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export NUGET_PACKAGES="$work/nuget" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
build_flags=(-nodeReuse:false -p:UseSharedCompilation=false -tl:off)

dotnet pack src/FirmwareGate.MSBuild -c Release -o "$work/packages" -v q -nologo >/dev/null
cp -r samples/firmware-project "$work/sample"
rm -rf "$work/sample/bin" "$work/sample/obj"
sed -i "s|../../artifacts/packages|$work/packages|" "$work/sample/NuGet.config"
sed -i "s|<FirmwareGateDatabase>../vulndb</FirmwareGateDatabase>|<FirmwareGateDatabase>$repo/samples/vulndb</FirmwareGateDatabase>|" "$work/sample/firmware.csproj"
cd "$work/sample"

ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

echo "== first build (restore, assemble, gate): $(ms dotnet build "${build_flags[@]}") ms"
on=(); off=()
for _ in $(seq "$runs"); do
  on+=("$(ms dotnet build "${build_flags[@]}" --no-restore)")
  off+=("$(ms dotnet build "${build_flags[@]}" --no-restore -p:FirmwareGateEnabled=false)")
done
echo "== no-op build, gate enabled:  ${on[*]} ms; median $(printf '%s\n' "${on[@]}" | median) ms"
echo "== no-op build, gate disabled: ${off[*]} ms; median $(printf '%s\n' "${off[@]}" | median) ms"
dotnet build "${build_flags[@]}" --no-restore -v:n | grep -E 'FirmwareGate(Run)?:|Skipping target "FirmwareGateRun"' || true

mkdir -p "$work/cli" && (cd "$work/cli" && unzip -q "$work"/packages/FirmwareGate.MSBuild.*.nupkg 'tools/cli/*')
cli="$work/cli/tools/cli"
image=$(ls bin/Debug/net10.0/gateway-release.tar)
gate=(gate "$image" --policy firmware-policy.yml --db "$repo/samples/vulndb" --json "$work/g.json" --sbom "$work/g.cdx.json" --sarif "$work/g.sarif" -q)
proc=(); start=()
for _ in $(seq "$runs"); do
  proc+=("$(ms dotnet "$cli/firmwaregate.dll" "${gate[@]}")")
  start+=("$(ms dotnet "$cli/firmwaregate.dll" --version)")
done
echo "== process: gate ${proc[*]} ms; median $(printf '%s\n' "${proc[@]}" | median) ms"
echo "== process: start (--version) ${start[*]} ms; median $(printf '%s\n' "${start[@]}" | median) ms"
dotnet build "$repo/bench/MSBuildAlcBench" -c Release -o "$work/alc" -v q -nologo >/dev/null
echo "== in-process, private AssemblyLoadContext (one process, $runs fresh contexts):"
dotnet "$work/alc/MSBuildAlcBench.dll" "$cli" "$runs" -- "${gate[@]}"

echo "== passing build"
dotnet build "${build_flags[@]}" --no-restore -p:FirmwareGateEnabled=true 2>&1 | grep -vE '^\s*$' | tail -8 || true
touch firmware-policy.yml
dotnet build "${build_flags[@]}" --no-restore 2>&1 | grep -E 'FirmwareGate|warning|error|Build succeeded' | sort -u || true
echo "== failing build (-p:FirmwareVariant=debug: telnetd at boot)"
dotnet build "${build_flags[@]}" --no-restore -p:FirmwareVariant=debug 2>&1 | grep -vE '^\s*$' | tail -12 || true
