"""Inventory time against unpack time per corpus image (see inventory-bench.sh)."""
import argparse, glob, json, os, shutil, statistics, subprocess, sys, time

p = argparse.ArgumentParser()
p.add_argument("--aot", required=True)
p.add_argument("--corpus", required=True)
p.add_argument("--work", required=True)
p.add_argument("--runs", type=int, default=5)
p.add_argument("--out", required=True)
a = p.parse_args()


def run_unpack(image):
    out = os.path.join(a.work, "inv-unpack")
    shutil.rmtree(out, ignore_errors=True)
    t = time.perf_counter()
    subprocess.run([a.aot, "unpack", image, "-o", out, "--quiet", "--allow-incomplete"], check=True)
    elapsed = time.perf_counter() - t
    shutil.rmtree(out, ignore_errors=True)
    return elapsed


def run_scan(image):
    report = os.path.join(a.work, "inv-report.json")
    t = time.perf_counter()
    subprocess.run([a.aot, "scan", image, "--no-checks", "--json", report, "--quiet", "--allow-incomplete"], check=True)
    elapsed = time.perf_counter() - t
    r = json.load(open(report))
    d = r["analysis"]["durationsMs"]
    read, analyse = d.get("analysisReadCpu", 0), d.get("analysisAnalyseCpu", 0)
    # The analysers' part of the walk's wall time, by their share of its CPU time (the rest is decoding file contents).
    own = d.get("analysis", 0) / 1000 * (analyse / (read + analyse) if read + analyse else 1)
    return elapsed, d.get("unpack", 0) / 1000, d.get("analysis", 0) / 1000, own, read / 1000, analyse / 1000, len(r["components"])


rows = []
for manifest in sorted(glob.glob(os.path.join(a.corpus, "*.manifest.json"))):
    image = os.path.join(a.corpus, json.load(open(manifest))["image"]["file"])
    unpack, scan, stage, inv, own, rcpu, acpu = [], [], [], [], [], [], []
    components = 0
    for _ in range(a.runs):
        unpack.append(run_unpack(image))
        s, u, i, o, rc, ac, components = run_scan(image)
        scan.append(s); stage.append(u); inv.append(i); own.append(o); rcpu.append(rc); acpu.append(ac)
    m = {k: statistics.median(v) for k, v in (("unpack", unpack), ("scan", scan), ("stage", stage), ("inv", inv), ("own", own), ("rcpu", rcpu), ("acpu", acpu))}
    rows.append((os.path.basename(image), m, components))
    print("%-24s unpack %.3fs  scan %.3fs (unpack stage %.3fs, inventory %.3fs)  inventory/unpack %.1f%%  analysers/unpack %.1f%%  cpu read %.3fs analyse %.3fs  %d components" % (
        os.path.basename(image), m["unpack"], m["scan"], m["stage"], m["inv"], 100 * m["inv"] / m["unpack"], 100 * m["own"] / m["unpack"], m["rcpu"], m["acpu"], components), flush=True)

with open(a.out, "w") as f:
    f.write("# Inventory benchmark\n\n")
    f.write("`bench/inventory-bench.sh %d`: native AOT build, %d alternating runs per image, medians; %d cores.\n" % (a.runs, a.runs, os.cpu_count()))
    f.write("`unpack` is `firmwaregate unpack IMAGE -o DIR` (wall clock); `inventory` is the analysers' walk and the merge\n")
    f.write("inside `firmwaregate scan` (`analysis.durationsMs.analysis` of `scan --no-checks`). Target: inventory at most 20% of unpack.\n")
    f.write("The walk's CPU time splits into reading the files' contents (decompressing them, the work `unpack` also does:\n")
    f.write("`analysisReadCpu`) and the analysers themselves (`analysisAnalyseCpu`); `analysers` is the walk's wall time times\n")
    f.write("the analysers' share of its CPU time.\n\n")
    f.write("| image | unpack (s) | scan (s) | inventory (s) | inventory / unpack | read CPU (s) | analyse CPU (s) | analysers / unpack | components |\n|---|---|---|---|---|---|---|---|---|\n")
    for name, m, components in rows:
        f.write("| %s | %.3f | %.3f | %.3f | %.1f%% | %.3f | %.3f | %.1f%% | %d |\n" % (name, m["unpack"], m["scan"], m["inv"], 100 * m["inv"] / m["unpack"], m["rcpu"], m["acpu"], 100 * m["own"] / m["unpack"], components))
print("written", a.out)
