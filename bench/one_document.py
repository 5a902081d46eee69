"""The one-new-document path, this checkout against an older commit, on the same store.

    python bench/scale.py --sizes 10000 --keep /tmp/scale          # once: a store of 10,000 claims
    python bench/one_document.py --store /tmp/scale/10000/scale.db --baseline 9f5c289

For each of ``--documents`` new FNC-1 bodies (about 15 claims each, none in the store), a copy of
the store gets the document ingested and the story reported, each as a fresh `python -m verify`
process (model loading included), once with this checkout's code and once with the baseline's
(a git worktree), alternating which goes first. Prints both totals per document, their means and
the ratio; writes bench/results/one-document.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import mean

ROOT = Path(__file__).resolve().parent.parent
FNC_BODIES = ROOT.parent / "shared" / "eval" / "fnc1" / "train_bodies.csv"
FIRST_UNUSED_BODY = 1200  # the 10,000-claim corpus uses the first ~600 bodies


def new_documents(count: int) -> list[str]:
    """Bodies of typical length (2,000 characters or more) beyond those the scale corpus holds."""
    with FNC_BODIES.open(newline="", encoding="utf-8") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda r: int(r["Body ID"]))
    return [r["articleBody"] for r in rows[FIRST_UNUSED_BODY:] if len(r["articleBody"]) >= 2000][:count]


def ingest_and_report(code: Path, store: Path, text: str, folder: Path) -> dict:
    """Seconds of `verify ingest` then `verify report --format json` on a copy of ``store``, run
    from ``code`` (a checkout), and the report's NLI readings."""
    db = folder / "scale.db"
    shutil.copy(store, db)
    document = folder / "new.jsonl"
    document.write_text(json.dumps({"outlet": "outlet-05", "text": text, "story": "scale"}) + "\n")
    env = {"PYTHONPATH": str(code), "PATH": "/usr/bin:/bin", "HOME": str(Path.home())}
    command = [sys.executable, "-m", "verify", "--db", str(db)]
    started = time.perf_counter()
    subprocess.run([*command, "ingest", str(document)], cwd=code, env=env, capture_output=True, check=True)
    ingested = time.perf_counter()
    report = subprocess.run(
        [*command, "report", "--story", "scale", "--format", "json"], cwd=code, env=env, capture_output=True, check=True
    )
    done = time.perf_counter()
    stats = json.loads(report.stdout)["run"]["stats"]
    return {
        "ingest_seconds": round(ingested - started, 2),
        "seconds": round(done - started, 2),
        "nli_computed": stats["nli_computed"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="A store made by bench/scale.py --keep.")
    parser.add_argument("--baseline", required=True, metavar="REF", help="The commit to compare with.")
    parser.add_argument("--documents", type=int, default=4)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "one-document.json")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        baseline = Path(folder) / "baseline"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(baseline), args.baseline], check=True
        )
        try:
            for n, text in enumerate(new_documents(args.documents)):
                work = Path(folder) / f"doc-{n}"
                work.mkdir()
                order = [("current", ROOT), ("baseline", baseline)]
                if n % 2:
                    order.reverse()
                row = {"document": n}
                for name, code in order:
                    row[name] = ingest_and_report(code, args.store, text, work)
                rows.append(row)
                print(
                    f"document {n}: this checkout {row['current']['seconds']:.2f} s "
                    f"({row['current']['nli_computed']} NLI readings), {args.baseline} {row['baseline']['seconds']:.2f} s "
                    f"({row['baseline']['nli_computed']})",
                    flush=True,
                )
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(baseline)], check=False)
    current, before = mean(r["current"]["seconds"] for r in rows), mean(r["baseline"]["seconds"] for r in rows)
    print(f"mean: this checkout {current:.2f} s, {args.baseline} {before:.2f} s, ratio {current / before:.3f}")
    result = {"baseline": args.baseline, "rows": rows, "mean_seconds": {"current": current, "baseline": before}}
    result["ratio"] = round(current / before, 3)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
