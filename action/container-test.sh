#!/usr/bin/env bash
# Builds action/Dockerfile as GitHub builds a Docker action (the Dockerfile's folder as the context) and runs
# the image as GitHub runs one: the workspace and the runner's file-command folder mounted, the runner's
# environment and every input as INPUT_*, no network. Runs the action on samples/router-sample.trx (which
# fails samples/firmware-policy.yml on purpose) and checks the exit code, outputs, summary and files.
#
# Needs root: podman and the local base images come from ../shared/bin/podman-base-images (no registry
# is reachable here). Prints `container-test: N passed, N failed` last; exits non-zero on any failure.
# FIRMWAREGATE_SHARED names the shared folder when it is not next to the clone.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
image=firmwaregate-action
passed=0
failed=0
check() { # DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "  ok   $what"; else failed=$((failed + 1)); echo "  FAIL $what"; fi
}
finish() {
  echo "container-test: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}
elapsed() { echo "$(( $(date +%s) - $1 ))s"; }

if [ "$(id -u)" != 0 ]; then echo "container-test: needs root (podman, base images)"; exit 2; fi
shared_bin=""
for candidate in "${FIRMWAREGATE_SHARED:+$FIRMWAREGATE_SHARED/bin}" "$(cd .. && pwd)/shared/bin" /work/shared/bin; do
  if [ -n "$candidate" ] && [ -f "$candidate/podman-base-images" ]; then shared_bin="$candidate"; break; fi
done
if [ -z "$shared_bin" ]; then echo "container-test: podman-base-images not found (set FIRMWAREGATE_SHARED)"; exit 2; fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== base images (podman-base-images; idempotent)"
start=$(date +%s)
if ! bash "$shared_bin/podman-base-images" > "$tmp/base-images.log" 2>&1; then
  tail -30 "$tmp/base-images.log"; echo "container-test: podman-base-images failed"; failed=$((failed + 1)); finish
fi
tail -2 "$tmp/base-images.log"
echo "base images ready in $(elapsed "$start")"

echo "== build: docker build -t $image -f action/Dockerfile action/, as the runner does"
bash action/prepare-context.sh
old_id=$(podman image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
start=$(date +%s)
if ! podman build -t "$image" -f action/Dockerfile action/ > "$tmp/build.log" 2>&1; then
  tail -40 "$tmp/build.log"; check "podman build" false; finish
fi
build_time=$(elapsed "$start")
new_id=$(podman image inspect --format '{{.Id}}' "$image")
if [ -n "$old_id" ] && [ "$old_id" != "$new_id" ]; then podman rmi "$old_id" >/dev/null 2>&1 || true; fi
podman run --rm --network=none --entrypoint /bin/ls "$image" -l /app | sed 's/^/  \/app: /'
size=$(podman image inspect --format '{{.Size}}' "$image")
base=$(podman image inspect --format '{{.Size}}' mcr.microsoft.com/dotnet/runtime-deps:10.0-bookworm-slim)
added=$((size - base))
echo "image built in $build_time; final image size: $size bytes ($(numfmt --to=iec-i --suffix=B "$size")), of which the action adds $added bytes ($(numfmt --to=iec-i --suffix=B "$added")) to runtime-deps"
check "podman build" true
check "the action adds under 64 MiB to the runtime-deps base" [ "$added" -lt $((64 * 1024 * 1024)) ]
check "no SDK or compiler in the final image" \
  podman run --rm --network=none --entrypoint /bin/sh "$image" -c '! command -v dotnet && ! command -v clang && ! command -v gcc'

# A runner's job folders: the workspace (an image and a policy whose names have spaces), the workflow
# folder with the event payload, the file-command folder with GITHUB_OUTPUT and GITHUB_STEP_SUMMARY.
setup_job() { # NAME EVENT
  local job="$tmp/$1"
  mkdir -p "$job/work space/dist" "$job/work space/policies" "$job/_github_workflow" "$job/_runner_file_commands" "$job/_github_home"
  cp samples/router-sample.trx "$job/work space/dist/router sample.trx"
  cp samples/firmware-policy.yml "$job/work space/policies/firmware policy.yml"
  cp -r samples/vulndb "$job/work space/vulndb"
  : > "$job/_runner_file_commands/set_output_1"
  : > "$job/_runner_file_commands/step_summary_1"
  if [ "$2" = pull_request ]; then
    cat > "$job/_github_workflow/event.json" <<'JSON'
{"action":"synchronize","number":7,"pull_request":{"number":7,"state":"open","title":"Update busybox",
"head":{"ref":"update-busybox","sha":"1111111111111111111111111111111111111111"},
"base":{"ref":"main","sha":"2222222222222222222222222222222222222222"}},
"repository":{"full_name":"firmwaregate/firmwaregate","name":"firmwaregate","owner":{"login":"firmwaregate"}}}
JSON
  else
    cat > "$job/_github_workflow/event.json" <<'JSON'
{"ref":"refs/heads/main","before":"2222222222222222222222222222222222222222","after":"1111111111111111111111111111111111111111",
"repository":{"full_name":"firmwaregate/firmwaregate","name":"firmwaregate","owner":{"login":"firmwaregate"}}}
JSON
  fi
}

# Every input of action.yml with its default, as the runner passes them (INPUT_ + the name upper-cased,
# hyphens kept), then the overrides. Printed NUL-separated as NAME=VALUE.
inputs() { # NAME=VALUE...
  python3 - "$@" <<'PY'
import sys, yaml
action = yaml.safe_load(open("action.yml"))
values = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
for pair in sys.argv[1:]:
    name, value = pair.split("=", 1)
    assert name in values, "action.yml has no input " + name
    values[name] = value
for name, value in values.items():
    sys.stdout.write("INPUT_%s=%s\0" % (name.replace(" ", "_").upper(), value))
PY
}

entrypoint=() command=() # the image's own ENTRYPOINT, no arguments, as GitHub runs it
run_action() { # JOB EVENT INPUT=VALUE...
  local job="$tmp/$1" event=$2; shift 2
  local args=()
  while IFS= read -r -d '' pair; do args+=(-e "$pair"); done < <(inputs "$@")
  podman run --rm --network=none \
    -v "$job/work space:/github/workspace" -v "$job/_github_workflow:/github/workflow" \
    -v "$job/_runner_file_commands:/github/file_commands" -v "$job/_github_home:/github/home" \
    --workdir /github/workspace \
    -e HOME=/github/home -e CI=true -e GITHUB_ACTIONS=true -e RUNNER_OS=Linux \
    -e GITHUB_WORKSPACE=/github/workspace -e GITHUB_EVENT_NAME="$event" -e GITHUB_EVENT_PATH=/github/workflow/event.json \
    -e GITHUB_OUTPUT=/github/file_commands/set_output_1 -e GITHUB_STEP_SUMMARY=/github/file_commands/step_summary_1 \
    -e GITHUB_REPOSITORY=firmwaregate/firmwaregate -e GITHUB_REPOSITORY_OWNER=firmwaregate \
    -e GITHUB_SHA=1111111111111111111111111111111111111111 -e GITHUB_REF=refs/heads/main \
    -e GITHUB_API_URL=https://api.github.com -e GITHUB_SERVER_URL=https://github.com -e GITHUB_RUN_ID=42 \
    -e GITHUB_WORKFLOW=FirmwareGate -e GITHUB_JOB=gate -e GITHUB_ACTION=gate \
    "${args[@]}" "${entrypoint[@]}" "$image" "${command[@]}" > "$job/log.txt" 2>&1
  echo $? > "$job/exit-code"
}

# Reads GITHUB_OUTPUT (NAME=VALUE and NAME<<DELIMITER forms) and checks outputs, files, summary and report.
check_job() { # JOB
  python3 - "$tmp/$1" <<'PY'
import json, os, stat, sys
job = sys.argv[1]; ws = os.path.join(job, "work space"); problems = []
def need(ok, what):
    print("  %s %s" % ("ok  " if ok else "FAIL", what))
    if not ok: problems.append(what)
outputs, lines = {}, open(os.path.join(job, "_runner_file_commands/set_output_1"), encoding="utf-8").read().split("\n")
i = 0
while i < len(lines):
    line = lines[i]; i += 1
    if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
        name, delimiter = line.split("<<", 1); value = []
        while i < len(lines) and lines[i] != delimiter: value.append(lines[i]); i += 1
        i += 1; outputs[name] = "\n".join(value)
    elif "=" in line:
        name, value = line.split("=", 1); outputs[name] = value
need(outputs.get("verdict") == "fail", "output verdict=fail (got %r)" % outputs.get("verdict"))
need(outputs.get("violations", "").isdigit() and int(outputs["violations"]) > 0, "output violations > 0 (got %r)" % outputs.get("violations"))
expected = {"sbom": "firmwaregate/sbom.cdx.json", "sarif": "firmwaregate/results.sarif", "report": "firmwaregate/report.json"}
for name, path in expected.items():
    need(outputs.get(name, "").strip().split("\n") == [path], "output %s=%s (got %r)" % (name, path, outputs.get(name)))
    full = os.path.join(ws, path)
    mode = os.stat(full).st_mode if os.path.isfile(full) else 0
    need(mode & stat.S_IROTH and os.path.getsize(full) > 0,
         "%s written, non-empty and readable by the runner's user (mode %o, uid %s)" % (path, mode & 0o777, os.stat(full).st_uid if mode else "-"))
summary = open(os.path.join(job, "_runner_file_commands/step_summary_1"), encoding="utf-8").read()
first = next((l for l in summary.split("\n") if l.strip()), "")
need("fail" in first.lower(), "step summary starts with the verdict (first line %r)" % first[:80])
try:
    report = json.load(open(os.path.join(ws, expected["report"]), encoding="utf-8"))
    need(report["policy"]["verdict"] == "fail", "report.json: policy verdict fail")
    need(report["image"]["name"] == "router sample.trx", "report.json: the image with a space in its name (got %r)" % report["image"]["name"])
    vulns = {(v["id"], v["verdict"]) for v in report["vulnerabilities"]}
    need(("CVE-2022-48174", "affected") in vulns, "report.json: CVE-2022-48174 matched from the database folder")
    sbom = json.load(open(os.path.join(ws, expected["sbom"]), encoding="utf-8"))
    need(sbom.get("bomFormat") == "CycloneDX" and sbom.get("specVersion") == "1.6", "SBOM is CycloneDX 1.6")
    sarif = json.load(open(os.path.join(ws, expected["sarif"]), encoding="utf-8"))
    need(sarif.get("version") == "2.1.0" and sarif["runs"][0]["results"], "SARIF 2.1.0 with results")
except (OSError, ValueError, KeyError, IndexError, TypeError) as e:
    need(False, "reports readable: %s: %s" % (type(e).__name__, e))
sys.exit(1 if problems else 0)
PY
}

count_python() { # the ok/FAIL lines check_job printed
  passed=$((passed + $(grep -c '^  ok ' "$1" || true)))
  failed=$((failed + $(grep -c '^  FAIL ' "$1" || true)))
  cat "$1"
}

echo "== run 1: push event, no token; policy and image with spaces in their names"
setup_job push push
# The job's mounts and environment as the program will see them, through a shell in the same container
# (a shell drops INPUT_GITHUB-TOKEN from its own environment, a name it cannot hold, so read PID 1's).
entrypoint=(--entrypoint /bin/sh)
command=(-c 'cd "$GITHUB_WORKSPACE" && test -r "dist/router sample.trx" && test -r "$GITHUB_EVENT_PATH" && test -w "$GITHUB_OUTPUT" \
  && test -w "$GITHUB_STEP_SUMMARY" && test "$INPUT_IMAGES" = "dist/router sample.trx" && tr "\\0" "\\n" < /proc/1/environ | grep -qx "INPUT_GITHUB-TOKEN=" \
  && test "$INPUT_SBOM" = firmwaregate/sbom.cdx.json && test "$(pwd)" = /github/workspace && test "$(id -u)" = 0')
run_action push push "images=dist/router sample.trx" "policy=policies/firmware policy.yml" "database=vulndb" "github-token="
check "the job as the container sees it: workspace, event, file commands, inputs, root" [ "$(cat "$tmp/push/exit-code")" = 0 ]
entrypoint=() command=()
start=$(date +%s)
run_action push push "images=dist/router sample.trx" "policy=policies/firmware policy.yml" "database=vulndb" "github-token="
echo "ran in $(elapsed "$start"); log (first 25 lines):"
head -25 "$tmp/push/log.txt" | sed 's/^/  | /'
code=$(cat "$tmp/push/exit-code")
check "exit code 1: the sample fails its policy (got $code)" [ "$code" = 1 ]
check_job push > "$tmp/push/checks.txt"; count_python "$tmp/push/checks.txt"
validators_ok=true
if [ -f "$shared_bin/validate-cyclonedx" ] && command -v npm >/dev/null && [ -s "$tmp/push/work space/firmwaregate/sbom.cdx.json" ]; then
  check "validate-cyclonedx --spec 1.6 on the container's SBOM" \
    bash "$shared_bin/validate-cyclonedx" --spec 1.6 "$tmp/push/work space/firmwaregate/sbom.cdx.json"
  check "validate-sarif --gh-rules on the container's SARIF" \
    bash "$shared_bin/validate-sarif" --gh-rules "$tmp/push/work space/firmwaregate/results.sarif"
else
  validators_ok=false
fi
$validators_ok || echo "  (validators skipped: no npm or no SBOM)"

echo "== run 2: pull_request event with a token and no network: the API fails, the gate still decides"
token=ghs_containerTest0123456789abcdefABCDEF0
setup_job pr pull_request
run_action pr pull_request "images=dist/*.trx" "policy=policies/firmware policy.yml" "database=vulndb" "github-token=$token"
head -25 "$tmp/pr/log.txt" | sed 's/^/  | /'
code=$(cat "$tmp/pr/exit-code")
check "exit code 1 without GitHub (got $code)" [ "$code" = 1 ]
check "a warning in the log says the GitHub API could not be reached" grep -q '^::warning' "$tmp/pr/log.txt"
check "the token appears in no log, output, summary or file" bash -c '! grep -rqF -- "$1" "$2"' _ "$token" "$tmp/pr"
check_job pr > "$tmp/pr/checks.txt"; count_python "$tmp/pr/checks.txt"
finish
