"""Attribution accuracy on the hand-written stories: precision and recall of (source, relays, cue,
polarity) per story and overall.

    python bench/attribution.py          # a table, and bench/results/attribution.json

Stories: the wire stories of fixtures/attribution/ (expected.json gives each line's source, the
relays between it and the outlet, ``via``, and the cue) and the Saraqeb story's documents
(fixtures/saraqeb/expected.json, ``attributions``: source, cue and polarity; no relays expected).
A claim counts as right when everything expected of it matches. Recall is right / expected;
precision is right / lines verify gave to a source other than the publishing outlet.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WIRE = ROOT / "fixtures" / "attribution"
SARAQEB = ROOT / "fixtures" / "saraqeb"


def claims_of(path: Path, outlet: str | None) -> list[dict]:
    """The claims verify extracts from one fixture file (read as `verify ingest` reads it)."""
    from verify.claims.extract import extract_claims
    from verify.ingest.readers import read_documents
    from verify.sources import bundled_index

    found = []
    for n, document in enumerate(read_documents(path, {"outlet": outlet})):
        found += extract_claims(dict(document, id=f"doc{n}"), bundled_index())[0]
    return found


def score(name: str, outlet: str, claims: list[dict], expected: list[dict]) -> dict:
    lines = []
    for want in expected:
        found = [c for c in claims if want["contains"] in c["text"]]
        got = found[0] if len(found) == 1 else None
        wanted = {
            "source": want["source"],
            "via": want.get("via"),
            "cue": want["cue"],
            "negative": want.get("negative", False),
        }
        actual = None
        if got:
            actual = {"source": got["source"], "via": got["via"], "cue": got["cue"], "negative": bool(got["negative"])}
            if wanted["via"] is None:  # the story does not say
                wanted["via"] = actual["via"]
        lines.append(
            {
                "contains": want["contains"],
                "expected": wanted,
                "got": actual,
                "right": actual == wanted,
                "named": bool(actual) and actual["source"] != outlet,
            }
        )
    return {"story": name, "lines": lines}


def stories() -> list[dict]:
    """Every story's score, the wire stories first."""
    results = []
    for story in json.loads((WIRE / "expected.json").read_text())["stories"]:
        claims = claims_of(WIRE / story["path"], story["outlet"])
        results.append(score(story["path"], story["outlet"], claims, story["attributions"]))
    saraqeb = json.loads((SARAQEB / "expected.json").read_text())
    outlets = {d["path"]: d.get("outlet") for d in saraqeb["documents"]}
    for path, outlet in outlets.items():
        expected = [a for a in saraqeb["attributions"] if a["document"] == path]
        if expected:
            claims = claims_of(SARAQEB / path, outlet)
            results.append(score(f"saraqeb/{path}", expected[0]["outlet"], claims, expected))
    return results


def main() -> int:
    sys.path.insert(0, str(ROOT))
    results = stories()
    total = right = named = right_named = 0
    print(f"{'story':<28} {'right':>5} / {'lines':<5} recall  precision")
    for result in results:
        lines = result["lines"]
        ok = sum(line["right"] for line in lines)
        attributed = sum(line["named"] for line in lines)
        ok_named = sum(line["right"] and line["named"] for line in lines)
        total, right, named, right_named = total + len(lines), right + ok, named + attributed, right_named + ok_named
        print(
            f"{result['story']:<28} {ok:>5} / {len(lines):<5} {ok / len(lines):.3f}   {ok_named / max(attributed, 1):.3f}"
        )
        for line in lines:
            if not line["right"]:
                print(f"    miss: {line['contains']!r}: expected {line['expected']}, got {line['got']}")
    print(f"{'overall':<28} {right:>5} / {total:<5} {right / total:.3f}   {right_named / max(named, 1):.3f}")
    out = ROOT / "bench" / "results" / "attribution.json"
    out.write_text(json.dumps({"right": right, "lines": total, "stories": results}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
