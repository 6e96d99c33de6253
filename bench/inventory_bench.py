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
    subprocess.run([a.aot, "scan", image, "--json", report, "--quiet", "--allow-incomplete"], check=True)
    elapsed = time.perf_counter() - t
    r = json.load(open(report))
    d = r["analysis"]["durationsMs"]
    return elapsed, d.get("unpack", 0) / 1000, d.get("inventory", 0) / 1000, len(r["components"])


rows = []
for manifest in sorted(glob.glob(os.path.join(a.corpus, "*.manifest.json"))):
    image = os.path.join(a.corpus, json.load(open(manifest))["image"]["file"])
    unpack, scan, stage, inv = [], [], [], []
    components = 0
    for _ in range(a.runs):
        unpack.append(run_unpack(image))
        s, u, i, components = run_scan(image)
        scan.append(s); stage.append(u); inv.append(i)
    m = {k: statistics.median(v) for k, v in (("unpack", unpack), ("scan", scan), ("stage", stage), ("inv", inv))}
    rows.append((os.path.basename(image), m, components))
    print("%-24s unpack %.3fs  scan %.3fs (unpack stage %.3fs, inventory %.3fs)  inventory/unpack %.1f%%  %d components" % (
        os.path.basename(image), m["unpack"], m["scan"], m["stage"], m["inv"], 100 * m["inv"] / m["unpack"], components), flush=True)

with open(a.out, "w") as f:
    f.write("# Inventory benchmark\n\n")
    f.write("`bench/inventory-bench.sh %d`: native AOT build, %d alternating runs per image, medians; %d cores.\n" % (a.runs, a.runs, os.cpu_count()))
    f.write("`unpack` is `firmwaregate unpack IMAGE -o DIR` (wall clock); `inventory` is the analysers' walk and the merge\n")
    f.write("inside `firmwaregate scan` (`analysis.durationsMs.inventory`). Target: inventory at most 20% of unpack.\n\n")
    f.write("| image | unpack (s) | scan (s) | inventory (s) | inventory / unpack | components |\n|---|---|---|---|---|---|\n")
    for name, m, components in rows:
        f.write("| %s | %.3f | %.3f | %.3f | %.1f%% | %d |\n" % (name, m["unpack"], m["scan"], m["inv"], 100 * m["inv"] / m["unpack"], components))
print("written", a.out)
