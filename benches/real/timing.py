#!/usr/bin/env python3
"""Time plumbline against ripgrep on the real-code corpus.

Usage: timing.py [--plumbline BIN] [--corpus DIR] [--runs N] [--json FILE]

Runs, RUNS times each (after one untimed warm-up run of each, so both read a
warm page cache):
  - rg -i -c --no-messages -F -f LITERALS CORPUS   (LITERALS: `plumbline rules --literals`)
  - plumbline check --no-cache --format concise CORPUS   (exit 1 is expected: there are findings)
  - the same with plumbline's per-file cache, warm (an unchanged tree), in a
    temporary cache folder
each under GNU `/usr/bin/time -v`, and prints the median wall time, CPU time
(user + system) and peak RSS of each, their ratios, the machine's core count
and load average, then the per-rule table of one `plumbline check --timings`
run. Standard library only; needs `rg` and GNU time.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GNU_TIME = "/usr/bin/time"


def measure(command, allowed=(0,)):
    """Wall seconds, CPU seconds (user + system) and peak RSS (KB) of one run."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        run = subprocess.run(
            [GNU_TIME, "-v", "-o", report.name, *command],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        if run.returncode not in allowed:
            sys.exit(f"{command[0]} exited {run.returncode}: {run.stderr.strip()[:500]}")
        text = report.read()

    def field(name):
        match = re.search(rf"^\s*{re.escape(name)}: (.+)$", text, re.M)
        if not match:
            sys.exit(f"GNU time printed no `{name}`")
        return match.group(1).strip()

    wall = 0.0
    for part in field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":"):
        wall = wall * 60 + float(part)
    cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
    return wall, cpu, int(field("Maximum resident set size (kbytes)"))


def summarize(samples):
    walls, cpus, rss = zip(*samples)
    return {
        "wall_s": statistics.median(walls),
        "wall_min_s": min(walls),
        "cpu_s": statistics.median(cpus),
        "peak_rss_mb": max(rss) / 1024,
        "runs": len(samples),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plumbline", default=os.path.join(ROOT, "target/release/plumbline"))
    ap.add_argument("--corpus", default=os.environ.get("PLUMBLINE_CORPUS", "/work/corpus"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", help="also write the summary here")
    args = ap.parse_args()

    for tool in ("rg", GNU_TIME):
        if not shutil.which(tool):
            sys.exit(f"{tool} is required (apt-get install ripgrep time)")
    if not os.path.isfile(args.plumbline):
        sys.exit(f"{args.plumbline} is absent: run `cargo build --release` first")
    if not os.path.isdir(args.corpus):
        sys.exit(f"{args.corpus} is absent: write it with benches/real/write_corpus.py")

    literals = subprocess.run(
        [args.plumbline, "rules", "--literals"], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    literals = sorted({l for l in literals if l.strip()})
    with tempfile.NamedTemporaryFile("w", suffix=".literals", delete=False) as f:
        f.write("\n".join(literals) + "\n")
        literal_file = f.name

    cache_dir = tempfile.mkdtemp(prefix="plumbline-cache.")
    os.environ["PLUMBLINE_CACHE_DIR"] = cache_dir
    os.environ.pop("PLUMBLINE_NO_CACHE", None)
    commands = {
        "rg": (["rg", "-i", "-c", "--no-messages", "-F", "-f", literal_file, args.corpus], (0, 1)),
        "plumbline": ([args.plumbline, "check", "--no-cache", "--format", "concise", args.corpus], (0, 1)),
        "cached": ([args.plumbline, "check", "--format", "concise", args.corpus], (0, 1)),
    }
    load_before = os.getloadavg()
    for command, allowed in commands.values():
        measure(command, allowed)
    results = {}
    for _ in range(args.runs):
        for name, (command, allowed) in commands.items():
            results.setdefault(name, []).append(measure(command, allowed))
    load_after = os.getloadavg()
    summary = {name: summarize(samples) for name, samples in results.items()}

    shutil.rmtree(cache_dir, ignore_errors=True)
    timed = subprocess.run(
        [args.plumbline, "check", "--no-cache", "--format", "json", "--timings", args.corpus],
        capture_output=True, text=True,
    )
    if timed.returncode not in (0, 1):
        # A build from before `--timings`: no table, the same counts.
        timed = subprocess.run(
            [args.plumbline, "check", "--no-cache", "--format", "json", args.corpus],
            capture_output=True, text=True,
        )
        timed.stderr = "(this build has no --timings)"
    os.unlink(literal_file)
    document = json.loads(timed.stdout)
    files = document["summary"]["files_scanned"]
    findings = len(document["findings"])

    cores = os.cpu_count()
    print("plumbline on the real-code corpus, against ripgrep")
    print(f"  corpus     {args.corpus}: {files} files scanned by plumbline, {findings} findings")
    print(f"  machine    {cores} cores; load average {load_before[0]:.2f} before, {load_after[0]:.2f} after")
    print(f"  literals   {len(literals)} from `plumbline rules --literals`")
    print()
    print(f"  {'command':<12} {'wall (median)':>14} {'wall (min)':>11} {'CPU (median)':>13} {'peak RSS':>10} {'runs':>5}")
    for name, s in summary.items():
        print(f"  {name:<12} {s['wall_s']:>12.2f} s {s['wall_min_s']:>9.2f} s {s['cpu_s']:>11.2f} s "
              f"{s['peak_rss_mb']:>7.1f} MB {s['runs']:>5}")
    rg, pl, warm = summary["rg"], summary["plumbline"], summary["cached"]
    ratios = {
        "wall": pl["wall_s"] / rg["wall_s"],
        "cpu": pl["cpu_s"] / rg["cpu_s"],
        "cached_wall": warm["wall_s"] / rg["wall_s"],
        "cached_cpu": warm["cpu_s"] / rg["cpu_s"],
    }
    print(f"  ratio plumbline / rg: wall {ratios['wall']:.2f}x, CPU {ratios['cpu']:.2f}x (target: 1.5x)")
    print(f"  ratio cached / rg:    wall {ratios['cached_wall']:.2f}x, CPU {ratios['cached_cpu']:.2f}x "
          "(target on an unchanged tree: 1.2x)")
    print()
    print("  one `plumbline check --timings` run:")
    for line in timed.stderr.splitlines():
        print(f"    {line}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"cores": cores, "files": files, "findings": findings, "summary": summary,
                       "ratios": ratios, "load_average": [load_before, load_after],
                       "timings": document.get("timings")}, f, indent=2)


if __name__ == "__main__":
    main()
