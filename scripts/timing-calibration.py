#!/usr/bin/env python3
"""Prints the timing model's calibration table (docs/timing.md) as Markdown.

Runs `tessel check FILE [--kernel K] ARGUMENTS --target T --json` for every row of
kernels/calibration/published.json and compares estimate.latencyNs with the published
measurement. Usage: scripts/timing-calibration.py [path/to/tessel] (default: .build/release/tessel,
then .build/debug/tessel).
"""
import json
import os
import statistics
import subprocess
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
candidates = sys.argv[1:] or [os.path.join(root, ".build/release/tessel"), os.path.join(root, ".build/debug/tessel")]
tessel = next((c for c in candidates if os.path.exists(c)), None)
if tessel is None:
    sys.exit("build tessel first (swift build -c release --product tessel)")
rows = json.load(open(os.path.join(root, "kernels/calibration/published.json")))["rows"]


def fmt(us):
    return f"{us / 1000:.2f} ms" if us >= 1000 else f"{us:.1f} µs"


print("| row | kernel (file) | shape | target | published | estimate | ratio | bound by |")
print("|---|---|---|---|---:|---:|---:|---|")
errors = []
for r in rows:
    cmd = [tessel, "check", r["file"]] + (["--kernel", r["kernel"]] if r["kernel"] else []) + r["arguments"]
    cmd += ["--target", r["target"], "--json"]
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=root)
    if p.returncode != 0:
        print(f"| {r['id']} | error: {p.stderr.strip().splitlines()[0]} |")
        continue
    e = json.loads(p.stdout)["estimate"]
    est = e["latencyNs"] / 1000
    ratio = est / r["measuredMicroseconds"]
    errors.append(abs(ratio - 1))
    name = f"`{r['kernel']}` ({os.path.basename(r['file'])})" if r["kernel"] else f"`{os.path.basename(r['file'])}`"
    print(f"| {r['id']} | {name} | {r['shape']} | {r['target']} | {fmt(r['measuredMicroseconds'])} | {fmt(est)} "
          f"| {ratio:.2f} | {e['boundBy']} |")
within = sum(x <= 0.25 for x in errors)
print()
print(f"{len(errors)} rows: {within} ({100 * within / len(errors):.0f} %) within ±25 %, "
      f"median error {100 * statistics.median(errors):.1f} %, worst {100 * max(errors):.0f} %.")
