"""What users wait for: each command as a fresh process, model loading included.

    python bench/startup.py            # a table, and bench/results/startup.json

On a store holding the fixture story (reported once, so embeddings and NLI readings are cached,
and the ONNX exports made), each command runs three times as `python -m verify ...`; the first run
and the best are reported, with the time spent importing (from `-X importtime`). The two that
meet new text get new text every time: a new five-claim draft for `check`, and a new one-paragraph
document for `ingest` followed by `report` (their two processes timed together).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DRAFT = (
    "Rebels recaptured the town of Saraqeb in Idlib province on Thursday, run {n}.\n"
    "The army said {n} of its soldiers were killed in the fighting.\n"
    "Turkish drones struck government positions east of the town overnight.\n"
    "The Observatory said {m} fighters on both sides died in the battle.\n"
    "Residents fled north towards the Turkish border before the assault.\n"
)
DOCUMENT = "Opposition fighters said on Friday, report {n}, that they had repelled {m} attacks on Saraqeb overnight.\n"


def timed(args: list[str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, import seconds) of one fresh `python -m verify` process."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "verify", *args], cwd=cwd, capture_output=True, text=True
    )
    wall = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{args}: exit {done.returncode}: {done.stderr[-500:]}")
    top = [line for line in done.stderr.splitlines() if line.startswith("import time:") and "| verify." in line]
    imports = max((int(line.split("|")[1]) for line in top), default=0) / 1e6
    return wall, imports


def main() -> int:
    work = Path(tempfile.mkdtemp())
    db = work / "story.db"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "verify",
            "--db",
            str(db),
            "ingest",
            "--manifest",
            str(ROOT / "fixtures" / "saraqeb" / "expected.json"),
        ],
        capture_output=True,
        check=True,
    )
    subprocess.run(
        [sys.executable, "-m", "verify", "--db", str(db), "report", "--story", "saraqeb", "--format", "json"],
        capture_output=True,
        check=True,
    )  # warms the caches

    def check(n: int) -> list[list[str]]:
        (work / f"draft{n}.txt").write_text(DRAFT.format(n=n + 3, m=20 + 7 * n))
        return [["--db", str(db), "check", str(work / f"draft{n}.txt"), "--story", "saraqeb"]]

    def ingest_then_report(n: int) -> list[list[str]]:
        (work / f"doc{n}.txt").write_text(DOCUMENT.format(n=n, m=3 + n))
        return [
            ["--db", str(db), "ingest", str(work / f"doc{n}.txt"), "--outlet", "nlf", "--story", "saraqeb"],
            ["--db", str(db), "report", "--story", "saraqeb", "--format", "json"],
        ]

    commands = {
        "verify --help": lambda n: [["--help"]],
        "verify claims": lambda n: [["--db", str(db), "claims"]],
        "verify audit verify": lambda n: [["--db", str(db), "audit", "verify"]],
        "verify search Saraqeb": lambda n: [["--db", str(db), "search", "Saraqeb"]],
        "verify report (cached)": lambda n: [["--db", str(db), "report", "--story", "saraqeb", "--format", "json"]],
        "verify check (new draft)": check,
        "ingest + report (new doc)": ingest_then_report,
    }
    rows = {}
    print(f"{'command':<26} {'first':>7} {'best of 3':>9} {'imports':>8}")
    for name, make in commands.items():
        runs = []
        for n in range(3):
            timings = [timed(args, work) for args in make(n)]
            runs.append((sum(t[0] for t in timings), sum(t[1] for t in timings)))
        best = min(runs, key=lambda t: t[0])
        rows[name] = {
            "first_seconds": round(runs[0][0], 2),
            "seconds": round(best[0], 2),
            "import_seconds": round(best[1], 2),
        }
        print(f"{name:<26} {runs[0][0]:>6.2f}s {best[0]:>8.2f}s {best[1]:>7.2f}s")
    out = ROOT / "bench" / "results" / "startup.json"
    out.write_text(json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
