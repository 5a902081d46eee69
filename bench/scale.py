"""Speed and memory at scale, on real news text: FNC-1 article bodies spread over 20 pseudo-outlets.

    python bench/scale.py [--sizes 1000 3000 10000] [--out bench/results/scale.json] [--keep DIR]
                          [--baseline REF]

For each size (claims, approximately) it measures, each in a fresh process so that peak resident
memory is the phase's own:
  embed-only  embedding every claim once with the same model and batch size (the floor)
  cold        ingest -> claims -> match -> compare (NLI judge included) -> report JSON on an empty store
  warm        the same store plus one new document, re-reported
  naive       (smallest size only) the same matching as a Python loop over all pairs of claims
              from different sources, extrapolated to the other sizes by n^2
  fresh       what users wait for, each a fresh `python -m verify` process on that store, model
              loading included: `--help`, `check` of a new five-claim draft, and `ingest` of one
              new document followed by `report`
and prints the ratios, the NLI judge's cost (readings per pair, readings a second, the share of
pairs read both ways) and how each stage's time grows with size (fitted exponent). With
``--baseline REF`` the same sizes run first on an older commit (checked out in a temporary git
worktree, this environment), and the figures users wait for print beside it.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FNC_BODIES = ROOT.parent / "shared" / "eval" / "fnc1" / "train_bodies.csv"
OUTLETS = 20
CLAIMS_PER_BODY = 16.5  # measured mean on the first FNC-1 training bodies


def bodies() -> list[tuple[str, str]]:
    with FNC_BODIES.open(newline="", encoding="utf-8") as handle:
        rows = [(r["Body ID"], r["articleBody"]) for r in csv.DictReader(handle)]
    return sorted(rows, key=lambda r: int(r[0]))


def corpus(size: int) -> tuple[list[dict], dict]:
    """Documents for about ``size`` claims, and one more document for the warm run."""
    rows = bodies()
    count = max(2, round(size / CLAIMS_PER_BODY))
    docs = [
        {"outlet": f"outlet-{n % OUTLETS:02d}", "text": text, "story": "scale"}
        for n, (_, text) in enumerate(rows[:count])
    ]
    extra = {"outlet": "outlet-00", "text": rows[count][1], "story": "scale"}
    return docs, extra


def unseen(size: int) -> dict:
    """A document no phase ingests, of a typical length (the first after the corpus with at least
    2,000 characters, about 15 claims): the new document of the fresh processes' ingest and report."""
    rows = bodies()[max(2, round(size / CLAIMS_PER_BODY)) + 1 :]
    text = next(text for _, text in rows if len(text) >= 2000)
    return {"outlet": "outlet-03", "text": text, "story": "scale"}


def write_jsonl(path: Path, docs: list[dict]) -> None:
    path.write_text("".join(json.dumps(d) + "\n" for d in docs))


def register_outlets(store) -> None:
    from verify.sources import add_source

    for n in range(OUTLETS):
        add_source(store, f"outlet-{n:02d}", f"Pseudo-outlet {n:02d}", "outlet", [])


# -- phases (each runs in its own process) ---------------------------------------------------


def phase_embed(size: int, work: Path) -> dict:
    from verify.claims.assertion import prepare
    from verify.claims.extract import extract_claims
    from verify.models.embedder import load_embedder
    from verify.sources import bundled_index

    docs, _ = corpus(size)
    index = bundled_index()
    texts = []
    for n, doc in enumerate(docs):
        claims, _ = extract_claims({"id": f"d{n}", "published": None, **doc}, index)
        texts += [prepare(dict(c, source_name=c["source"]))["assertion"] for c in claims]
    embedder = load_embedder().load()  # loading is not embedding
    started = time.perf_counter()
    embedder.encode(texts)
    return {"claims": len(texts), "seconds": time.perf_counter() - started}


def phase_cold(size: int, work: Path) -> dict:
    from verify.ingest.documents import ingest
    from verify.models.embedder import load_embedder
    from verify.models.nli import load_nli_model
    from verify.report.document import to_json
    from verify.report.run import run_report
    from verify.store.db import open_store

    docs, _ = corpus(size)
    write_jsonl(work / "corpus.jsonl", docs)
    db = work / "scale.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    load_embedder().load()  # model loading is not part of the pipeline's scaling
    load_nli_model().load()
    started = time.perf_counter()
    store = open_store(db)
    register_outlets(store)
    ingested = ingest(store, [work / "corpus.jsonl"])
    after_ingest = time.perf_counter()
    report = run_report(store, story="scale")
    text = to_json(report)
    done = time.perf_counter()
    store.close()
    stats = report["run"]["stats"]
    return {
        "claims": ingested.claims,
        "documents": len(ingested.added),
        "seconds": done - started,
        "ingest_seconds": after_ingest - started,
        "report_seconds": done - after_ingest,
        "stage_seconds": stats["stage_seconds"],
        "candidates": stats["candidates"],
        "nli_pairs": stats["nli_pairs"],
        "nli_computed": stats["nli_computed"],
        "nli_both_ways": stats.get("nli_both_ways", stats["nli_pairs"]),  # older versions read every pair both ways
        "findings": len(report["findings"]),
        "json_bytes": len(text),
    }


def phase_warm(size: int, work: Path) -> dict:
    from verify.ingest.documents import ingest
    from verify.models.embedder import load_embedder
    from verify.models.nli import load_nli_model
    from verify.report.document import to_json
    from verify.report.run import run_report
    from verify.store.db import open_store

    _, extra = corpus(size)
    write_jsonl(work / "new.jsonl", [extra])
    load_embedder().load()  # as in the cold phase
    load_nli_model().load()
    started = time.perf_counter()
    store = open_store(work / "scale.db")
    ingested = ingest(store, [work / "new.jsonl"])
    report = run_report(store, story="scale")
    to_json(report)
    done = time.perf_counter()
    store.close()
    stats = report["run"]["stats"]
    return {
        "new_claims": ingested.claims,
        "embedded": stats["embedded"],
        "seconds": done - started,
        "stage_seconds": stats["stage_seconds"],
        "nli_computed": stats["nli_computed"],
        "findings": len(report["findings"]),
    }


def phase_naive(size: int, work: Path) -> dict:
    """The candidate search of verify.compare.match done the plain way: every pair, one at a time."""
    import numpy as np

    from verify.claims.assertion import prepare
    from verify.compare.match import claim_names, claim_vectors
    from verify.models.embedder import load_embedder
    from verify.records import Thresholds
    from verify.sources import SourceIndex
    from verify.store.db import open_store

    store = open_store(work / "scale.db")
    claims = [prepare(c) for c in store.claims(story="scale") if not c["negative"]]
    vectors, _ = claim_vectors(store, [c["assertion"] for c in claims], load_embedder())
    names = claim_names(claims, SourceIndex(store.sources()))
    t = Thresholds()
    started = time.perf_counter()
    best: dict[int, list[tuple[float, int]]] = {}
    for i in range(len(claims)):
        for j in range(i + 1, len(claims)):
            if claims[i]["source"] == claims[j]["source"]:
                continue
            score = float(np.dot(vectors[i], vectors[j])) + t.name_boost * min(len(names[i] & names[j]), 2)
            if score >= t.match_floor:
                best.setdefault(i, []).append((score, j))
                best.setdefault(j, []).append((score, i))
    pairs = {(min(i, j), max(i, j)) for i, found in best.items() for _, j in sorted(found, reverse=True)[: t.top_k]}
    store.close()
    return {
        "claims": len(claims),
        "pairs_checked": len(claims) * (len(claims) - 1) // 2,
        "candidates": len(pairs),
        "seconds": time.perf_counter() - started,
    }


DRAFT = (
    "Officials said on Monday that 14 people were killed in the attack on the city.\n"
    "The government denied the report and said the figures were false.\n"
    "Police arrested three suspects near the border on Sunday, a spokesman said.\n"
    "The company announced it would close its factory by the end of the year.\n"
    "Witnesses said the video was filmed last week and shows the crash.\n"
)


def phase_fresh(size: int, work: Path) -> dict:
    """Fresh processes on the warm phase's store: the commands a user waits for."""

    def timed(*args: str) -> tuple[float, str]:
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "verify", "--db", str(work / "scale.db"), *args], capture_output=True, text=True
        )
        return time.perf_counter() - started, done.stdout

    (work / "draft.txt").write_text(DRAFT)
    write_jsonl(work / "fresh.jsonl", [unseen(size)])
    out = {
        "help_seconds": timed("--help")[0],
        "check_seconds": timed("check", str(work / "draft.txt"), "--story", "scale")[0],
    }
    ingest_seconds, _ = timed("ingest", str(work / "fresh.jsonl"))
    report_seconds, report = timed("report", "--story", "scale", "--format", "json")
    stats = json.loads(report)["run"]["stats"]
    out["ingest_report_seconds"] = ingest_seconds + report_seconds
    out["ingest_seconds"] = ingest_seconds
    out["report_stats"] = {
        k: stats[k] for k in ("claims", "embedded", "neighbours_known", "verdicts_known", "nli_computed")
    }
    out["report_stage_seconds"] = stats["stage_seconds"]
    return out


PHASES = {"embed": phase_embed, "cold": phase_cold, "warm": phase_warm, "naive": phase_naive, "fresh": phase_fresh}


def run_phase(phase: str, size: int, work: Path) -> dict:
    """Run one phase in a child process; add its peak resident memory."""
    proc = subprocess.Popen(
        [sys.executable, __file__, "--phase", phase, "--size", str(size), "--work", str(work)],
        stdout=subprocess.PIPE,
        text=True,
    )
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"scale: phase {phase} at size {size} failed")
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_rss_mb"] = round(usage.ru_maxrss / 1024, 1)
    return result


def exponent(sizes: list[int], seconds: list[float]) -> float | None:
    """Least-squares slope of log(time) against log(size)."""
    points = [(math.log(n), math.log(s)) for n, s in zip(sizes, seconds, strict=True) if s > 0]
    if len(points) < 2:
        return None
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    return round(sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points), 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000, 10000])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "scale.json")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="Keep each size's store and inputs in DIR/SIZE.")
    parser.add_argument("--baseline", metavar="REF", help="Also run the same sizes on this commit, and compare.")
    parser.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(PHASES[args.phase](args.size, args.work)))
        return 0
    baseline = run_baseline(args.baseline, args.sizes) if args.baseline else None
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for size in sorted(args.sizes):
            work = (args.keep or Path(folder)) / str(size)
            work.mkdir(parents=True)
            row = {
                "size": size,
                "embed": run_phase("embed", size, work),
                "cold": run_phase("cold", size, work),
                "warm": run_phase("warm", size, work),
                "fresh": run_phase("fresh", size, work),
            }
            if size == min(args.sizes):
                row["naive"] = run_phase("naive", size, work)
            rows.append(row)
            print(f"size {size}: {json.dumps(row)}", file=sys.stderr)
    naive = rows[0]["naive"]
    for row in rows:
        claims = row["cold"]["claims"]
        row["naive_seconds_extrapolated"] = naive["seconds"] * (claims / rows[0]["cold"]["claims"]) ** 2
        row["ratios"] = {
            "cold_over_embed": round(row["cold"]["seconds"] / row["embed"]["seconds"], 2),
            "nli_over_embed": round(row["cold"]["stage_seconds"]["nli"] / row["embed"]["seconds"], 2),
            "warm_over_cold": round(row["warm"]["seconds"] / row["cold"]["seconds"], 3),
            "naive_match_over_cold_match": round(
                row["naive_seconds_extrapolated"] / row["cold"]["stage_seconds"]["match"], 1
            ),
        }
        row["nli"] = nli_cost(row)
    claims = [r["cold"]["claims"] for r in rows]
    stages = sorted({s for r in rows for s in r["cold"]["stage_seconds"]})
    growth = {s: exponent(claims, [r["cold"]["stage_seconds"].get(s, 0) for r in rows]) for s in stages}
    growth["ingest"] = exponent(claims, [r["cold"]["ingest_seconds"] for r in rows])
    growth["cold without embedding"] = exponent(
        claims, [r["cold"]["seconds"] - r["cold"]["stage_seconds"]["embed"] for r in rows]
    )
    result = {
        "machine": f"{os.cpu_count()} cores",
        "rows": rows,
        "growth_exponents": growth,
        "naive_measured_at": rows[0]["size"],
    }
    if baseline:
        result["baseline"] = baseline
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print_table(result)
    if baseline:
        print_comparison(result, baseline)
    return 0


def nli_cost(row: dict) -> dict:
    """The cold run's NLI judge: readings per pair read, readings a second, share read both ways."""
    cold = row["cold"]
    pairs, readings, seconds = cold["nli_pairs"], cold["nli_computed"], cold["stage_seconds"]["nli"]
    return {
        "readings_per_pair": round(readings / pairs, 2) if pairs else None,
        "readings_per_second": round(readings / seconds, 1) if seconds else None,
        "share_both_ways": round(cold.get("nli_both_ways", pairs) / pairs, 3) if pairs else None,
    }


def run_baseline(ref: str, sizes: list[int]) -> dict:
    """This benchmark's figures on commit ``ref``: its own bench/scale.py, from a temporary git
    worktree, importing that commit's verify (its NLI cost computed here from its figures)."""
    with tempfile.TemporaryDirectory() as folder:
        tree, out = Path(folder) / "tree", Path(folder) / "baseline.json"
        (Path(folder) / "shared").symlink_to(ROOT.parent / "shared")  # what the tree reads beside it
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), ref], check=True)
        try:
            env = os.environ | {"PYTHONPATH": str(tree)}
            command = [sys.executable, str(tree / "bench" / "scale.py"), "--sizes", *map(str, sizes), "--out", str(out)]
            subprocess.run(command, check=True, env=env, cwd=tree, stdout=sys.stderr)
            result = json.loads(out.read_text())
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)
    for row in result["rows"]:
        row["nli"] = nli_cost(row)
    result["ref"] = ref
    return result


COMPARED = (  # (label, figure of a row): what users wait for, and what the NLI judge costs
    ("cold s", lambda r: r["cold"]["seconds"]),
    ("cold / embed-only", lambda r: r["ratios"]["cold_over_embed"]),
    ("NLI stage s (cold)", lambda r: r["cold"]["stage_seconds"]["nli"]),
    ("NLI readings (cold)", lambda r: r["cold"]["nli_computed"]),
    ("NLI readings a pair", lambda r: r["nli"]["readings_per_pair"]),
    ("NLI readings a second", lambda r: r["nli"]["readings_per_second"]),
    ("share read both ways", lambda r: r["nli"]["share_both_ways"]),
    ("fresh check s", lambda r: r["fresh"]["check_seconds"]),
    ("fresh ingest + report s", lambda r: r["fresh"]["ingest_report_seconds"]),
    ("findings (cold)", lambda r: r["cold"]["findings"]),
)


def print_comparison(result: dict, baseline: dict) -> None:
    print(f"against {baseline['ref']} (same run, same machine):")
    for now, then in zip(result["rows"], baseline["rows"], strict=True):
        print(f"  {now['cold']['claims']} claims ({then['cold']['claims']} then):")
        for label, figure in COMPARED:
            a, b = figure(now), figure(then)
            ratio = f"  x{a / b:.2f}" if isinstance(a, int | float) and isinstance(b, int | float) and b else ""
            print(f"    {label:<26} {shown(b):>10} -> {shown(a):<10}{ratio}")


def shown(figure) -> str:
    return f"{figure:.2f}" if isinstance(figure, float) else str(figure)


def print_table(result: dict) -> None:
    print(
        f"{'claims':>7} {'embed-only s':>12} {'cold s':>8} {'warm s':>8} {'naive match s':>14} "
        f"{'cold/embed':>10} {'warm/cold':>9} {'naive/match':>11} {'peak MB (embed/cold/warm)':>26}"
    )
    for r in result["rows"]:
        naive = f"{r['naive_seconds_extrapolated']:.1f}" + ("" if "naive" in r else "*")
        peaks = f"{r['embed']['peak_rss_mb']:.0f}/{r['cold']['peak_rss_mb']:.0f}/{r['warm']['peak_rss_mb']:.0f}"
        print(
            f"{r['cold']['claims']:>7} {r['embed']['seconds']:>12.1f} {r['cold']['seconds']:>8.1f} "
            f"{r['warm']['seconds']:>8.2f} {naive:>14} {r['ratios']['cold_over_embed']:>10} "
            f"{r['ratios']['warm_over_cold']:>9} {r['ratios']['naive_match_over_cold_match']:>11} {peaks:>26}"
        )
    print("* extrapolated by n^2 from the smallest size")
    for r in result["rows"]:
        print(
            f"  {r['cold']['claims']:>6} claims: NLI judge read {r['cold']['nli_pairs']} pairs "
            f"({r['cold']['nli_computed']} readings, {r['nli']['readings_per_pair']} a pair, "
            f"{r['nli']['readings_per_second']} a second; {r['nli']['share_both_ways']:.0%} read both ways) in "
            f"{r['cold']['stage_seconds']['nli']:.1f} s, {r['ratios']['nli_over_embed']}x the embed-only floor; "
            f"warm run computed {r['warm']['nli_computed']}"
        )
    print("cold stage seconds:")
    for r in result["rows"]:
        print(
            f"  {r['cold']['claims']:>6}: ingest {r['cold']['ingest_seconds']:.1f}, "
            + ", ".join(f"{k} {v:.2f}" for k, v in r["cold"]["stage_seconds"].items())
        )
    print(
        "fresh processes (model loading included): --help, check of a new 5-claim draft, ingest + report of a new document"
    )
    for r in result["rows"]:
        f = r["fresh"]
        print(
            f"  {r['cold']['claims']:>6} claims: {f['help_seconds']:.2f} s, {f['check_seconds']:.2f} s, "
            f"{f['ingest_report_seconds']:.2f} s (ingest {f['ingest_seconds']:.2f} s; the report embedded "
            f"{f['report_stats']['embedded']} claims, reused {f['report_stats']['neighbours_known']} neighbour lists "
            f"and {f['report_stats']['verdicts_known']} pair verdicts, computed {f['report_stats']['nli_computed']} "
            "NLI readings)"
        )
    print("growth exponents (time ~ n^k): " + ", ".join(f"{k} {v}" for k, v in result["growth_exponents"].items()))


if __name__ == "__main__":
    sys.exit(main())
