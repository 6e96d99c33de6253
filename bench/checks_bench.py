"""Security checks' time against unpack time per corpus image (see checks-bench.sh)."""
import argparse, glob, json, os, shutil, statistics, subprocess, time
from collections import Counter

p = argparse.ArgumentParser()
p.add_argument("--aot", required=True)
p.add_argument("--corpus", required=True)
p.add_argument("--work", required=True)
p.add_argument("--runs", type=int, default=5)
p.add_argument("--out", required=True)
a = p.parse_args()


def timed(args):
    t = time.perf_counter()
    subprocess.run(args, check=True)
    return time.perf_counter() - t


def run_unpack(image):
    # On tmpfs when there is one: the unpack stage's own work, not the disk's write-back.
    out = os.path.join("/dev/shm" if os.path.isdir("/dev/shm") else a.work, "fg-chk-unpack")
    shutil.rmtree(out, ignore_errors=True)
    elapsed = timed([a.aot, "unpack", image, "-o", out, "--quiet", "--allow-incomplete"])
    shutil.rmtree(out, ignore_errors=True)
    return elapsed


def run_scan(image, checks):
    report = os.path.join(a.work, "chk-report.json")
    args = [a.aot, "scan", image, "--json", report, "--quiet", "--allow-incomplete"]
    if not checks:
        args.append("--no-checks")
    elapsed = timed(args)
    return elapsed, json.load(open(report))


rows = []
for manifest in sorted(glob.glob(os.path.join(a.corpus, "*.manifest.json"))):
    image = os.path.join(a.corpus, json.load(open(manifest))["image"]["file"])
    unpack, without, with_checks = [], [], []
    report = None
    for _ in range(a.runs):
        unpack.append(run_unpack(image))
        without.append(run_scan(image, False)[0])
        s, report = run_scan(image, True)
        with_checks.append(s)
    u, w0, w1 = statistics.median(unpack), statistics.median(without), statistics.median(with_checks)
    checks = max(0.0, w1 - w0)
    severities = Counter(f["severity"] for f in report["findings"])
    counts = (len(report["binaries"]), len(report["certificates"]), len(report["privateKeys"]), len(report["accounts"]), len(report["findings"]))
    rows.append((os.path.basename(image), u, w0, w1, checks, counts, severities))
    print("%-24s unpack %.3fs  scan --no-checks %.3fs  scan %.3fs  checks %.3fs = %.1f%% of unpack  binaries %d certs %d keys %d accounts %d findings %d" % (
        (os.path.basename(image), u, w0, w1, checks, 100 * checks / u) + counts), flush=True)

with open(a.out, "w") as f:
    f.write("# Security checks benchmark\n\n")
    f.write("`bench/checks-bench.sh %d`: native AOT build, %d alternating runs per image, medians; %d cores.\n" % (a.runs, a.runs, os.cpu_count()))
    f.write("`unpack` is `firmwaregate unpack IMAGE -o DIR` (wall clock, DIR on tmpfs). `checks` is `scan` minus `scan --no-checks`\n")
    f.write("(wall clock): what the hardening, certificate, key, account and configuration checks add, including reading\n")
    f.write("the files only they ask for. Target: checks at most 30% of unpack.\n\n")
    f.write("| image | unpack (s) | scan --no-checks (s) | scan (s) | checks (s) | checks / unpack | binaries | certificates | keys | accounts | findings |\n|---|---|---|---|---|---|---|---|---|---|---|\n")
    for name, u, w0, w1, checks, counts, severities in rows:
        sev = ", ".join("%s %d" % (k, severities[k]) for k in ("critical", "high", "medium", "low", "info") if severities[k])
        f.write("| %s | %.3f | %.3f | %.3f | %.3f | %.1f%% | %d | %d | %d | %d | %d (%s) |\n" % ((name, u, w0, w1, checks, 100 * checks / u) + counts + (sev,)))
print("written", a.out)
