"""Runs `firmwaregate unpack` on every crafted input as its own process and checks the targets."""
import argparse, os, platform, shutil, subprocess, sys, time

LIMIT = 256 << 20  # --max-total-bytes given to every run
TARGET_S, TARGET_MB = 10.0, 512


def on_disk(folder):
    """Bytes of regular files below folder (apparent size; symlinks not followed)."""
    total = 0
    for base, dirs, files in os.walk(folder):
        for name in files:
            st = os.lstat(os.path.join(base, name))
            if not os.path.islink(os.path.join(base, name)):
                total += st.st_size
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--exe", required=True)
    ap.add_argument("--inputs", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rows, failed = [], []
    for name in sorted(os.listdir(a.inputs)):
        path = os.path.join(a.inputs, name)
        out = os.path.join(a.work, "out-" + name)
        shutil.rmtree(out, ignore_errors=True)
        cmd = ["/usr/bin/time", "-f", "%e %M", "timeout", "60", a.exe, "unpack", path, "-o", out,
               "--max-total-bytes", str(LIMIT), "--quiet"]
        start = time.monotonic()
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wall = time.monotonic() - start
        last = p.stderr.strip().splitlines()[-1].split()
        rss_mb = int(last[-1]) / 1024
        written = on_disk(out)
        shutil.rmtree(out, ignore_errors=True)
        ok = p.returncode in (0, 2, 3) and wall < TARGET_S and rss_mb < TARGET_MB and written <= LIMIT
        if not ok:
            failed.append(name)
        rows.append((name, os.path.getsize(path), p.returncode, wall, rss_mb, written, "ok" if ok else "MISSED"))
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    lines = ["# Crafted-input benchmark", "",
             f"commit {commit}; {os.cpu_count()} cores, {platform.processor() or platform.machine()}; native AOT build;",
             f"every run: `firmwaregate unpack INPUT -o DIR --max-total-bytes {LIMIT}`.",
             f"Targets: exit 0, 2 or 3; under {TARGET_S:.0f} s; under {TARGET_MB} MB peak RSS; bytes on disk <= --max-total-bytes.", "",
             "| input | bytes | exit | seconds | peak RSS MB | bytes on disk | target |",
             "| --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    lines += [f"| {n} | {s} | {rc} | {w:.2f} | {m:.0f} | {d} | {v} |" for n, s, rc, w, m, d, v in rows]
    text = "\n".join(lines) + "\n"
    open(a.out, "w").write(text)
    print(text)
    if failed:
        print("targets missed:", ", ".join(failed))
        sys.exit(1)


if __name__ == "__main__":
    main()
