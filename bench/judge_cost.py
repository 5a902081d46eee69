"""What `verify judge` costs as its premise grows: wall time and peak memory of a fresh process.

    python bench/judge_cost.py            # a table, and bench/results/judge-cost.json

First, 200 document/summary pairs of typical news length in one `verify judge` process: FNC-1
training bodies (the first 200 with a related headline), each against one of its headlines
(the issue's target: two minutes). Then each premise is the first N characters of FNC-1 training bodies joined (real news prose, read
from ../shared/ at run time), against a two-sentence hypothesis; each size runs once as
`/usr/bin/time -v python -m verify judge`. The cost should grow about linearly with the premise.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BODIES = ROOT.parent / "shared" / "eval" / "fnc1" / "train_bodies.csv"
STANCES = BODIES.with_name("train_stances.csv")
DOCUMENTS = 200
SIZES = (5_000, 10_000, 20_000, 50_000)
HYPOTHESIS = "Government forces took full control of the town on Thursday. Five soldiers were killed in the attack."


def measure(pairs: Path) -> tuple[float, float]:
    """(wall seconds, peak resident MB) of `verify judge PAIRS --json` as a fresh process."""
    done = subprocess.run(
        ["/usr/bin/time", "-v", sys.executable, "-m", "verify", "judge", str(pairs), "--json"],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"verify judge failed: {done.stderr[-500:]}")
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", done.stderr)
    hours, minutes, seconds = (float(g or 0) for g in wall.groups())
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1))
    return hours * 3600 + minutes * 60 + seconds, peak / 1024


def documents() -> list[dict]:
    """The first DOCUMENTS FNC-1 training bodies with a related headline, each against one of them."""
    with STANCES.open(newline="", encoding="utf-8") as handle:
        headlines = {}
        for row in csv.DictReader(handle):
            if row["Stance"] != "unrelated":
                headlines.setdefault(row["Body ID"], row["Headline"])
    with BODIES.open(newline="", encoding="utf-8") as handle:
        bodies = [r for r in csv.DictReader(handle) if r["Body ID"] in headlines][:DOCUMENTS]
    return [{"id": r["Body ID"], "premise": r["articleBody"], "hypothesis": headlines[r["Body ID"]]} for r in bodies]


def main() -> None:
    with BODIES.open(newline="", encoding="utf-8") as handle:
        text = "\n\n".join(row["articleBody"] for _, row in zip(range(600), csv.DictReader(handle), strict=False))
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        many = Path(folder) / "documents.jsonl"
        items = documents()
        many.write_text("".join(json.dumps(item) + "\n" for item in items))
        wall, peak = measure(many)
        length = sum(len(i["premise"]) for i in items) / len(items)
        judged = {"pairs": len(items), "mean_premise_chars": round(length), "seconds": round(wall, 2)}
        print(f"{len(items)} documents ({length:,.0f} characters on average) against a headline: {wall:.1f} s")
        for size in SIZES:
            pairs = Path(folder) / f"premise-{size}.jsonl"
            pairs.write_text(json.dumps({"id": size, "premise": text[:size], "hypothesis": HYPOTHESIS}) + "\n")
            wall, peak = measure(pairs)
            rows.append({"premise_chars": size, "seconds": round(wall, 2), "peak_mb": round(peak)})
            print(f"{size:>7,} characters: {wall:6.2f} s, {peak:5.0f} MB peak", flush=True)
    first, last = rows[0], rows[-1]
    growth = (last["seconds"] / first["seconds"]) / (last["premise_chars"] / first["premise_chars"])
    print(
        f"time grows {last['seconds'] / first['seconds']:.1f}x for {last['premise_chars'] // first['premise_chars']}x the text "
        f"({growth:.2f} of linear)"
    )
    out = ROOT / "bench" / "results" / "judge-cost.json"
    out.write_text(json.dumps({"documents": judged, "sizes": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
