"""What users wait for: each command as a fresh process, model loading included.

    python bench/startup.py            # a table, and bench/results/startup.json

On a store holding the fixture story (reported once, so embeddings and NLI readings are cached),
each command runs three times as `python -m verify ...`: the first run (a new draft is embedded and
read by the NLI model then, with the models loaded) and the best run are reported, with the time
spent importing (from `-X importtime`).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DRAFT = "Rebels recaptured the town of Saraqeb in Idlib province on Thursday.\n"


def timed(args: list[str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, import seconds) of one fresh `python -m verify` process."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "verify", *args], cwd=cwd, capture_output=True,
                          text=True)  # fmt: skip
    wall = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{args}: exit {done.returncode}: {done.stderr[-500:]}")
    top = [line for line in done.stderr.splitlines() if line.startswith("import time:") and "| verify." in line]
    imports = max((int(line.split("|")[1]) for line in top), default=0) / 1e6
    return wall, imports


def main() -> int:
    work = Path(tempfile.mkdtemp())
    db = work / "story.db"
    story = ROOT / "fixtures" / "saraqeb"
    for doc in json.loads((story / "expected.json").read_text())["documents"]:
        args = ["--outlet", doc["outlet"]] if doc.get("outlet") else []
        args += ["--published", doc["published"]] if doc.get("published") else []
        subprocess.run([sys.executable, "-m", "verify", "--db", str(db), "ingest", str(story / doc["path"]),
                        "--story", "saraqeb", *args], capture_output=True, check=True)  # fmt: skip
    (work / "draft.txt").write_text(DRAFT)
    subprocess.run(
        [sys.executable, "-m", "verify", "--db", str(db), "report", "--story", "saraqeb", "--format", "json"],
        capture_output=True,
        check=True,
    )  # fmt: skip  (warms the caches)
    commands = {
        "verify --help": ["--help"],
        "verify claims": ["--db", str(db), "claims"],
        "verify audit verify": ["--db", str(db), "audit", "verify"],
        "verify search Saraqeb": ["--db", str(db), "search", "Saraqeb"],
        "verify report (cached)": ["--db", str(db), "report", "--story", "saraqeb", "--format", "json"],
        "verify check draft": ["--db", str(db), "check", str(work / "draft.txt"), "--story", "saraqeb"],
    }
    rows = {}
    print(f"{'command':<26} {'first':>7} {'best of 3':>9} {'imports':>8}")
    for name, args in commands.items():
        runs = [timed(args, work) for _ in range(3)]
        best = min(runs, key=lambda t: t[0])
        rows[name] = {"first_seconds": round(runs[0][0], 2), "seconds": round(best[0], 2),
                      "import_seconds": round(best[1], 2)}  # fmt: skip
        print(f"{name:<26} {runs[0][0]:>6.2f}s {best[0]:>8.2f}s {best[1]:>7.2f}s")
    out = ROOT / "bench" / "results" / "startup.json"
    out.write_text(json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
