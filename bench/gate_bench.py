"""Full gate time against unpack time per corpus image (see gate-bench.sh)."""
import argparse, glob, json, os, platform, shutil, statistics, subprocess, time

p = argparse.ArgumentParser()
p.add_argument("--aot", required=True)
p.add_argument("--corpus", required=True)
p.add_argument("--db", required=True)
p.add_argument("--policy", required=True)
p.add_argument("--work", required=True)
p.add_argument("--runs", type=int, default=3)
p.add_argument("--out", required=True)
a = p.parse_args()
reports = os.path.join(a.work, "gate-reports")


def run_unpack(image):
    out = os.path.join(a.work, "gate-unpack")
    shutil.rmtree(out, ignore_errors=True)
    t = time.perf_counter()
    subprocess.run([a.aot, "unpack", image, "-o", out, "--quiet", "--allow-incomplete"], check=True)
    elapsed = time.perf_counter() - t
    shutil.rmtree(out, ignore_errors=True)
    return elapsed


def run_gate(image):
    shutil.rmtree(reports, ignore_errors=True)
    os.makedirs(reports)
    out = {k: os.path.join(reports, "gate." + k) for k in ("json", "sbom", "sarif", "markdown", "html")}
    args = [a.aot, "gate", image, "--policy", a.policy, "--db", a.db, "--quiet", "--now", "2026-01-01T00:00:00Z"]
    for k, path in out.items():
        args += ["--" + k, path]
    t = time.perf_counter()
    code = subprocess.run(args).returncode
    elapsed = time.perf_counter() - t
    # 0 pass, 1 fail, 3 incomplete are verdicts; 2 is an error and spoils the measurement.
    assert code in (0, 1, 3), "gate exited %d on %s" % (code, image)
    r = json.load(open(out["json"]))
    sizes = sum(os.path.getsize(f) for f in out.values())
    return elapsed, r["policy"]["verdict"], len(r["policy"]["violations"]), r["analysis"]["durationsMs"], sizes


load = os.getloadavg()[0]
rows = []
for manifest in sorted(glob.glob(os.path.join(a.corpus, "*.manifest.json"))):
    image = os.path.join(a.corpus, json.load(open(manifest))["image"]["file"])
    unpack, gate = [], []
    for _ in range(a.runs):
        unpack.append(run_unpack(image))
        g, verdict, violations, durations, sizes = run_gate(image)
        gate.append(g)
    mu, mg = statistics.median(unpack), statistics.median(gate)
    rows.append((os.path.basename(image), mu, mg, min(unpack), max(unpack), min(gate), max(gate), verdict, violations, sizes))
    print("%-24s unpack %.3fs  gate %.3fs  gate/unpack %.2f  (%s, %d violations, reports %d bytes)" % (
        os.path.basename(image), mu, mg, mg / mu, verdict, violations, sizes), flush=True)

commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
with open(a.out, "w") as f:
    f.write("# Gate benchmark\n\n")
    f.write("`bench/gate-bench.sh %d`: native AOT build, %d alternating runs per image, medians (min-max in brackets);\n" % (a.runs, a.runs))
    f.write("%d cores (%s), load average %.1f at the start, commit %s.\n" % (os.cpu_count(), cpu, load, commit))
    f.write("`unpack` is `firmwaregate unpack IMAGE -o DIR`; `gate` is `firmwaregate gate IMAGE --policy samples/firmware-policy.yml\n")
    f.write("--db DB --json --sbom --sarif --markdown --html` (DB built from `samples/vulndb`), both wall clock.\n")
    f.write("Target: gate at most 1.5 x unpack.\n\n")
    f.write("| image | unpack (s) | gate (s) | gate / unpack | verdict | violations | reports (bytes) |\n|---|---|---|---|---|---|---|\n")
    for name, mu, mg, u0, u1, g0, g1, verdict, violations, sizes in rows:
        f.write("| %s | %.3f [%.3f-%.3f] | %.3f [%.3f-%.3f] | %.2f | %s | %d | %d |\n" % (name, mu, u0, u1, mg, g0, g1, mg / mu, verdict, violations, sizes))
print("written", a.out)
