#!/usr/bin/env python3
"""Times firmwaregate unpack against unsquashfs and binwalk -Me; see unpack-bench.sh."""
import argparse, json, os, platform, shutil, statistics, subprocess, tarfile, tempfile, time, zipfile

p = argparse.ArgumentParser()
p.add_argument("--aot", required=True)
p.add_argument("--tool", required=True)
p.add_argument("--corpus", required=True)
p.add_argument("--work", required=True)
p.add_argument("--runs", type=int, default=5)
p.add_argument("--out", required=True)
a = p.parse_args()
for key in ("aot", "tool", "corpus", "work", "out"):
    setattr(a, key, os.path.abspath(getattr(a, key)))  # binwalk runs inside its own output folder

scratch_root = "/dev/shm" if os.path.isdir("/dev/shm") else a.work  # keep disk speed out of the ratio
root_user = os.geteuid() == 0


def timed(cmd, cwd=None):
    """Runs cmd under /usr/bin/time; returns (seconds, peak RSS in MB, exit code)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
        start = time.perf_counter()
        rc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", t.name] + cmd, cwd=cwd,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        secs = time.perf_counter() - start
        kb = t.read().split()[-1]
        return secs, int(kb) / 1024, rc


def fresh(name):
    d = os.path.join(scratch_root, "fg-bench-" + name)
    shutil.rmtree(d, ignore_errors=True)
    return d


def fg(image):
    return [a.aot, "unpack", image, "-o", fresh("fg"), "--quiet", "--allow-incomplete"], None


def fg_tool(image):
    return ["dotnet", a.tool, "unpack", image, "-o", fresh("fgtool"), "--quiet", "--allow-incomplete"], None


def fg_managed(image):
    return [a.aot, "unpack", image, "-o", fresh("fg"), "--quiet", "--allow-incomplete", "--no-native"], None


def unsquashfs(image):
    return ["unsquashfs", "-q", "-no-progress", "-d", fresh("unsquashfs"), image], None


def binwalk(image):
    out = fresh("binwalk")
    os.makedirs(out)
    # binwalk 2.3 refuses to extract as root unless told; the flag must follow -Me.
    cmd = ["binwalk", "-q", "-Me"] + (["--run-as=root"] if root_user else []) + ["-C", out, image]
    return cmd, out


def compare(label, image, tools):
    """Alternates the tools run by run; returns medians and peak RSS per tool."""
    times = {name: [] for name, _ in tools}
    rss = {name: 0.0 for name, _ in tools}
    for _ in range(a.runs):
        for name, make in tools:
            cmd, cwd = make(image)
            secs, mb, rc = timed(cmd, cwd)
            if rc not in (0, 3):
                raise SystemExit(f"{name} failed on {image} (exit {rc}): {' '.join(cmd)}")
            times[name].append(secs)
            rss[name] = max(rss[name], mb)
    for d in ("fg", "fgtool", "unsquashfs", "binwalk"):
        shutil.rmtree(os.path.join(scratch_root, "fg-bench-" + d), ignore_errors=True)
    return {n: statistics.median(v) for n, v in times.items()}, rss


def carve_squashfs(name, manifest):
    """Writes the image's SquashFS layer to a file of its own, from the manifest's layer tree."""
    image = os.path.join(a.corpus, manifest["image"]["file"])
    target = os.path.join(a.work, f"corpus-{name}.sqfs")
    if os.path.exists(target):
        return target

    def walk(layers, base, parent):
        for layer in layers:
            if layer["format"] == "squashfs":
                if layer["offset"] is not None and parent in (None, "trx", "flash"):
                    with open(image, "rb") as f:
                        f.seek(base + layer["offset"])
                        data = f.read(layer["size"])
                elif parent == "tar":
                    with tarfile.open(image) as t:
                        data = t.extractfile(layer["name"]).read()
                elif parent == "zip":
                    with zipfile.ZipFile(image) as z:
                        data = z.read(layer["name"])
                else:
                    continue
                open(target, "wb").write(data)
                return True
            off = base + (layer["offset"] or 0) if parent in (None, "trx", "flash") else base
            if walk(layer.get("children", []), off, layer["format"]):
                return True
        return False

    return target if walk(manifest["layers"], 0, None) else None


rows_squash, rows_image = [], []
manifests = sorted(f for f in os.listdir(a.corpus) if f.endswith(".manifest.json")) if os.path.isdir(a.corpus) else []
for m in manifests:
    name = m[: -len(".manifest.json")]
    manifest = json.load(open(os.path.join(a.corpus, m)))
    image = os.path.join(a.corpus, manifest["image"]["file"])
    print(f"whole image: {name} (firmwaregate vs binwalk -Me)...", flush=True)
    med, rss = compare(name, image, [("firmwaregate", fg), ("tool", fg_tool), ("binwalk", binwalk)])
    rows_image.append((name, os.path.getsize(image), med["firmwaregate"], med["binwalk"], rss["firmwaregate"], rss["binwalk"], med["tool"]))
    sq = carve_squashfs(name, manifest)
    if sq:
        comp = next(f["compression"] for f in manifest["filesystems"] if f["format"] == "squashfs")
        print(f"squashfs layer: {name} ({comp})...", flush=True)
        med, rss = compare(name, sq, [("firmwaregate", fg), ("tool", fg_tool), ("unsquashfs", unsquashfs)])
        rows_squash.append((f"{name} rootfs", comp, os.path.getsize(sq), med["firmwaregate"], med["unsquashfs"], rss["firmwaregate"], rss["unsquashfs"], med["tool"]))

# The managed codecs (no liblzma, no libzstd) on the largest xz, lzma and zstd images.
for comp in ("xz", "lzma", "zstd"):
    img = os.path.join(a.work, f"large-{comp}.sqfs")
    if os.path.exists(img):
        print(f"large squashfs, managed codecs: {comp}...", flush=True)
        med, rss = compare(comp, img, [("firmwaregate", fg_managed), ("unsquashfs", unsquashfs)])
        rows_squash.append((f"large-{comp} managed (--no-native)", comp, os.path.getsize(img), med["firmwaregate"], med["unsquashfs"], rss["firmwaregate"], rss["unsquashfs"], float("nan")))

for comp in ("gzip", "xz", "lzma", "lzo", "lz4", "zstd"):
    img = os.path.join(a.work, f"large-{comp}.sqfs")
    if os.path.exists(img):
        print(f"large squashfs: {comp}...", flush=True)
        med, rss = compare(comp, img, [("firmwaregate", fg), ("tool", fg_tool), ("unsquashfs", unsquashfs)])
        rows_squash.append((f"large-{comp}", comp, os.path.getsize(img), med["firmwaregate"], med["unsquashfs"], rss["firmwaregate"], rss["unsquashfs"], med["tool"]))

commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
lines = [
    "# Extraction benchmark",
    "",
    f"commit {commit}; {os.cpu_count()} cores, {cpu}; {a.runs} alternating runs per case, medians; outputs in {scratch_root}.",
    "Targets apply to images of 10 MB and more; smaller ones are dominated by process start-up.",
    "",
    "## SquashFS layer: firmwaregate unpack vs unsquashfs (target: ratio <= 1.5)",
    "",
    "firmwaregate = native AOT build; .NET tool = the framework-dependent tool (JIT start-up included).",
    "",
    "| image | codec | MB | firmwaregate s | unsquashfs s | ratio | .NET tool s | tool ratio | fg peak RSS MB | unsquashfs peak RSS MB |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
]
for n, comp, size, f, u, rf, ru, t in rows_squash:
    lines.append(f"| {n} | {comp} | {size / 1e6:.1f} | {f:.2f} | {u:.2f} | {f / u:.2f} | {t:.2f} | {t / u:.2f} | {rf:.0f} | {ru:.0f} |")
lines += [
    "",
    "## Whole image: firmwaregate unpack vs binwalk -Me (target: >= 10x faster on the median image)",
    "",
    "| image | MB | firmwaregate s | binwalk s | speed-up | .NET tool s | tool speed-up | fg peak RSS MB | binwalk peak RSS MB |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
]
for n, size, f, b, rf, rb, t in rows_image:
    lines.append(f"| {n} | {size / 1e6:.1f} | {f:.2f} | {b:.2f} | {b / f:.1f}x | {t:.2f} | {b / t:.1f}x | {rf:.0f} | {rb:.0f} |")
if rows_image:
    speedups = sorted(r[3] / r[2] for r in rows_image)
    tool_speedups = sorted(r[3] / r[6] for r in rows_image)
    lines += ["", f"Median speed-up over binwalk -Me: {statistics.median(speedups):.1f}x (native AOT), {statistics.median(tool_speedups):.1f}x (.NET tool)."]
big = [r for r in rows_squash if r[2] >= 10e6]
if big:
    native = [r for r in big if "managed" not in r[0]]
    lines.append(f"Worst SquashFS ratio on images of 10 MB and more: {max(r[3] / r[4] for r in native):.2f}x unsquashfs (native AOT), {max(r[7] / r[4] for r in native):.2f}x (.NET tool).")
if rows_squash:
    lines.append(f"Peak firmwaregate RSS over all SquashFS cases: {max(r[5] for r in rows_squash):.0f} MB.")
report = "\n".join(lines) + "\n"
open(a.out, "w").write(report)
print()
print(report)
