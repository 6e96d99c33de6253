#!/usr/bin/env bash
# Fills action/context/ with the sources the action's native build needs, for action/Dockerfile.
#
# GitHub builds a Docker action with the Dockerfile's own folder as the build context
# (docker build -f action/Dockerfile action/), so the Dockerfile cannot reach ../src. This copies the
# build settings and the two projects the action is published from into action/context/, which the
# Dockerfile copies in. Run it before `podman build action/`, before `uses: ./` in a workflow, and when
# a release commit of the action is made (docs/workflows/release-action.yml commits the folder there).
#
# Copies tracked and untracked-but-not-ignored files (never bin/ or obj/) from the work tree; without
# git, every file but bin/ and obj/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
context="$root/action/context"

# What `dotnet publish src/FirmwareGate.Action` reads: the build settings at the root (Directory.Build.props,
# Directory.Packages.props, global.json, .editorconfig whose analyzer severities are errors under
# TreatWarningsAsErrors), build/ (imported by the Core project), and the Action and Core projects.
paths=(global.json Directory.Build.props Directory.Packages.props .editorconfig build src/FirmwareGate.Core src/FirmwareGate.Action)
optional=(nuget.config NuGet.Config)

list_files() {
  if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1 \
     && [ "$(git -C "$root" rev-parse --show-toplevel)" = "$root" ]; then
    git -C "$root" ls-files -z --cached --others --exclude-standard -- "$@"
  else
    (cd "$root" && find "$@" \( -name bin -o -name obj \) -prune -o -type f -print0)
  fi
}

for path in "${paths[@]}"; do
  if [ ! -e "$root/$path" ]; then echo "prepare-context: $path is missing" >&2; exit 1; fi
done
for path in "${optional[@]}"; do
  if [ -e "$root/$path" ]; then paths+=("$path"); fi
done

rm -rf "$context"
mkdir -p "$context"
count=0
while IFS= read -r -d '' file; do
  case "/$file/" in */bin/*|*/obj/*) continue ;; esac
  [ -f "$root/$file" ] || continue # deleted in the work tree, still in the index
  mkdir -p "$context/$(dirname "$file")"
  cp -p "$root/$file" "$context/$file"
  count=$((count + 1))
done < <(list_files "${paths[@]}")
echo "prepare-context: $count files in action/context/"
