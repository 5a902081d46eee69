"""The claim-pair judge: verify's own NLI model, the calibrated decision, `verify judge` and `verify check`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from verify.compare import judge, passages
from verify.compare.judge import load_calibration
from verify.compare.passages import judge_texts, text_pairs_evidence
from verify.compare.reuse import NLICache
from verify.errors import VerifyError
from verify.models import nli
from verify.models.nli import (
    NLI_DIR,
    NLI_INT8_FILES,
    NLI_LABELS,
    current_nli_model_info,
    load_nli_model,
    nli_model_info,
)
from verify.records import Thresholds

from .conftest import ROOT

CONTRADICTION = (
    "The defence ministry said two Turkish soldiers were killed in the air strike in Idlib.",
    "Five Turkish soldiers were killed in the air strike in Idlib.",
)
AGREEMENT = (
    "The quake measured 7.8 on the moment magnitude scale, the geological survey said.",
    "The earthquake had a magnitude of 7.8.",
)


@pytest.mark.parametrize(("precision", "description"), [("float", "model.json"), ("int8", "int8.json")])
def test_the_bundled_model_loads_offline_and_reproduces_its_reference_outputs(precision, description):
    meta = json.loads((NLI_DIR / description).read_text())
    model = load_nli_model(precision=precision)
    assert model.info.role == "nli" and model.info.package == "verify" and model.info.precision == precision
    reference = meta["reference"]
    assert len(reference) >= 3
    got = model.predict([r["premise"] for r in reference], [r["hypothesis"] for r in reference])
    expected = np.array([r["probabilities"] for r in reference])
    assert np.abs(got - expected).max() < 1e-3
    quake = next(n for n, r in enumerate(reference) if "magnitude" in r["hypothesis"])  # 6.2 against 7.8
    assert NLI_LABELS[int(got[quake].argmax())] == "contradiction"


@pytest.mark.parametrize(("name", "precision"), [("weights.safetensors", "float"), ("model-int8.onnx", "int8")])
def test_an_altered_shipped_file_is_refused_by_its_pinned_hash(name, precision, tmp_path, monkeypatch):
    copy = tmp_path / "nli"
    shutil.copytree(NLI_DIR, copy)
    with (copy / name).open("r+b") as handle:
        handle.seek(-8, 2)
        handle.write(b"\x00" * 8)
    monkeypatch.setattr(nli, "NLI_DIR", copy)
    nli_model_info.cache_clear()
    try:
        with pytest.raises(VerifyError, match=f"{name} does not match its pinned SHA-256"):
            nli_model_info(precision)
    finally:
        nli_model_info.cache_clear()


def test_the_quantised_model_is_the_default_and_its_own_model(monkeypatch):
    quantised, exact = load_nli_model(), load_nli_model(precision="float")
    assert quantised.info.precision == "int8" and exact.info.precision == "float"
    assert quantised.info.files["model-int8.onnx"] == NLI_INT8_FILES["model-int8.onnx"]
    assert quantised.info.sha256 != exact.info.sha256  # never one cache key, never one model in the log
    monkeypatch.setenv("VERIFY_NLI_PRECISION", "float")
    assert current_nli_model_info().sha256 == exact.info.sha256
    monkeypatch.setenv("VERIFY_NLI_PRECISION", "int4")
    with pytest.raises(VerifyError, match="VERIFY_NLI_PRECISION='int4': use one of int8, float"):
        load_nli_model()


def test_a_clear_contradiction_gets_a_high_confidence():
    [verdict] = judge_texts([CONTRADICTION])
    assert verdict["kind"] == "contradiction" and verdict["confidence"] > 0.5
    assert "gives two" in verdict["reason"] and "gives Five" in verdict["reason"]  # the clash is named


def test_a_clear_agreement_is_one():
    [verdict] = judge_texts([AGREEMENT])
    assert verdict["kind"] == "agreement" and verdict["confidence"] > 0.5
    assert abs(sum(verdict["scores"].values()) - 1) < 1e-4


def test_a_hypothesis_of_several_claims_is_contradicted_by_any_and_agreed_only_by_all():
    premise = f"{CONTRADICTION[0]} Rescuers pulled 40 people from the rubble."
    (mixed,) = judge_texts(
        [(premise, f"Two Turkish soldiers were killed in the air strike in Idlib. {CONTRADICTION[1]}")]
    )
    assert mixed["kind"] == "contradiction"
    assert [c["kind"] for c in mixed["claims"]] == ["agreement", "contradiction"]
    assert [c["support"] for c in mixed["claims"]] == ["supported", "contradicted"]


def test_a_hypothesis_whose_claims_agree_or_are_unsupported_is_partial_and_says_which():
    """One claim stated, one the premise never mentions (none partial): the case that used to crash."""
    premise = "The quake measured 7.8, the geological survey said. Rescuers pulled 40 people from the rubble."
    hypothesis = "The earthquake had a magnitude of 7.8. The city council will vote on a new budget in May."
    (verdict,) = judge_texts([(premise, hypothesis)])
    assert verdict["kind"] == "partial"
    assert [c["support"] for c in verdict["claims"]] == ["supported", "unsupported"]
    assert verdict["claims"][0]["premise"].startswith("The quake measured 7.8")
    assert "1 of 2 claims unsupported" in verdict["reason"]


def test_a_fact_told_over_two_sentences_is_read_in_a_window():
    premise = "The ministry named the new envoy on Monday. She is Amina Diallo, a former trade minister."
    (verdict,) = judge_texts([(premise, "Amina Diallo was named envoy on Monday.")])
    assert verdict["kind"] == "agreement", verdict
    assert verdict["claims"][0]["premise"] == premise


def test_a_long_premise_is_parsed_only_where_a_claim_reads_it(monkeypatch):
    """A 50 KB premise (the fifty summary fixtures' documents, and the story's texts): the parser
    reads only the units chosen for the hypothesis' claims, so the judge's cost grows with the
    premise about linearly."""
    from verify.claims import extract as claims
    from verify.compare.passages import PASSAGE_UNITS

    documents = [json.loads(line)["premise"] for line in SUMMARIES.read_text().splitlines()]
    texts = documents + [p.read_text() for p in sorted(SUMMARIES.parent.parent.rglob("*.txt"))]
    premise = "\n\n".join(texts * 2)[:50_000]
    parsed, real = [], claims.parsed
    monkeypatch.setattr(claims, "parsed", lambda batch: parsed.extend(batch) or real(batch))
    hypothesis = "Government forces took full control of Saraqeb on Thursday. Five Turkish soldiers were killed."
    (verdict,) = judge_texts([(premise, hypothesis)])
    assert len(verdict["claims"]) == 2 and premise.count(". ") > 300
    assert len(parsed) <= 2 + 2 * PASSAGE_UNITS  # the hypothesis' claims and the units each reads


# -- the command -------------------------------------------------------------------------------


def test_judge_a_single_pair_prints_a_table(run):
    result = run("judge", "--premise", AGREEMENT[0], "--hypothesis", AGREEMENT[1])
    assert result.exit_code == 0, result.output
    assert "agreement" in result.stdout and "NLI e / n / c" in result.stdout


def test_judge_a_file_as_json_lines_in_input_order(run, tmp_path):
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(
        "\n".join(
            json.dumps({"id": f"p{n}", "premise": p, "hypothesis": h})
            for n, (p, h) in enumerate([CONTRADICTION, AGREEMENT])
        )
        + "\n"
    )
    result = run("judge", pairs, "--json")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["p0", "p1"]
    assert [line["kind"] for line in lines] == ["contradiction", "agreement"]
    for line in lines:
        assert {"id", "kind", "confidence", "scores", "reason"} <= line.keys()
        assert set(line["scores"]) == {"entailment", "neutral", "contradiction"} and 0 <= line["confidence"] <= 1
    from_stdin = run("judge", "-", "--json", input=pairs.read_text())
    assert from_stdin.stdout == result.stdout


def test_judge_names_a_bad_line_and_refuses_empty_input(run, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"premise": "a b c d", "hypothesis": "e f g h"}) + "\n{not json\n")
    result = run("judge", bad, "--json")
    assert result.exit_code == 1 and "line 2" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""
    missing = tmp_path / "missing.jsonl"
    missing.write_text(json.dumps({"premise": "The town fell."}) + "\n")
    result = run("judge", missing)
    assert result.exit_code == 1 and "line 1: 'hypothesis' must be a non-empty string" in result.stderr
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    result = run("judge", empty)
    assert result.exit_code == 1 and "empty.jsonl: empty file" in result.stderr
    result = run("judge", "-", input="\n\n")
    assert result.exit_code == 1 and "stdin holds no pairs" in result.stderr
    usage = run("judge", empty, "--premise", "x")
    assert usage.exit_code == 2


SUMMARIES = Path(__file__).resolve().parent.parent / "fixtures" / "judge" / "summaries.jsonl"


def test_judge_reads_fifty_documents_against_their_summaries(run):
    """50 document/summary pairs (our own texts): every line judged, each summary claim given its
    support and the premise text that decided it; the faithful ones mostly agree."""
    rows = [json.loads(line) for line in SUMMARIES.read_text().splitlines()]
    result = run("judge", SUMMARIES, "--json")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == [row["id"] for row in rows]
    for line, row in zip(lines, rows, strict=True):
        assert all(c["premise"] in row["premise"] for c in line["claims"])
    kinds = {
        label: [line["kind"] for line, row in zip(lines, rows, strict=True) if row["label"] == label]
        for label in ("consistent", "inconsistent", "mixed")
    }
    # measured with the real-label decision: consistent 18 agreements or partial of 20 (2 contradictions);
    # inconsistent 4 contradictions of 10 (an edit the checks do not see needs the NLI reading at 0.75);
    # mixed (one claim unsupported) 4 contradictions of 20
    assert sum(k in ("agreement", "partial") for k in kinds["consistent"]) >= 17
    assert sum(k == "contradiction" for k in kinds["consistent"]) <= 3
    assert sum(k == "contradiction" for k in kinds["inconsistent"]) >= 4
    assert sum(k == "contradiction" for k in kinds["mixed"]) <= 6
    assert all(line["claims"] for line in lines)


def test_judge_writes_every_verdict_before_a_failing_pair_and_names_it(run, tmp_path, monkeypatch):
    from verify.compare.passages import judge_texts

    pairs = tmp_path / "pairs.jsonl"
    rows = [CONTRADICTION, AGREEMENT, ("The dam burst on Tuesday.", "The dam held."), AGREEMENT]
    pairs.write_text(
        "\n".join(json.dumps({"id": f"p{n}", "premise": p, "hypothesis": h}) for n, (p, h) in enumerate(rows)) + "\n"
    )
    real = judge_texts

    def failing(items, **options):
        if any("dam" in premise for premise, _ in items):
            raise RuntimeError("model ran out of memory")
        return real(items, **options)

    monkeypatch.setattr(passages, "judge_texts", failing)
    result = run("judge", pairs, "--json")
    assert result.exit_code == 1
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["p0", "p1"]
    assert "pairs.jsonl line 3 (id 'p2'): could not judge this pair: model ran out of memory" in result.stderr
    assert "Traceback" not in result.stderr


# -- verify check rests on the judge -----------------------------------------------------------

WIRE = """Syrian rebels recaptured the strategic town of Saraqeb in Idlib province on Thursday, a war monitor said.
The opposition began their operation on Wednesday evening, according to the Syrian Observatory for Human Rights.
The rebel group released pictures on Thursday showing its fighters inside Saraqeb.
"""


def test_two_moments_of_one_story_do_not_block_a_draft(run, tmp_path):
    db = tmp_path / "wire.db"
    source = tmp_path / "wire.txt"
    source.write_text(WIRE)
    assert run("--db", db, "ingest", source, "--outlet", "afp", "--published", "2020-02-27").exit_code == 0
    draft = tmp_path / "draft.txt"
    draft.write_text("Rebels recaptured the town of Saraqeb in Idlib province on Thursday.\n")
    result = run("--db", db, "check", draft, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["summary"]["contradicted"] == 0 and data["summary"]["supported"] + data["summary"]["single-source"] == 1
    assert data["min_confidence"] == load_calibration().contradiction_confidence
    # a control reversal alone ("the army repelled the attack and still holds the town") is a known
    # miss of the judge (fixtures/judge/glance.jsonl, g10): the army holding it and no rebels entering is not
    clash = "The army still holds Saraqeb and no rebels entered the town on Thursday.\n"
    listed = run("--db", db, "check", "-", "--format", "json", input=clash)
    [result] = json.loads(listed.stdout)["results"]
    confidence = max(e["confidence"] for e in result["evidence"] if e["kind"] == "contradiction")
    assert 0.5 <= confidence < 1
    # under the default bar (the confidence from which contradictions are 80% right on real pairs) it
    # is listed, not counted; at a bar below it, the draft is blocked
    assert listed.exit_code == (1 if confidence >= data["min_confidence"] else 0), listed.output
    contradicting = run("--db", db, "check", "-", "--format", "json", "--min-confidence", 0.6, input=clash)
    assert contradicting.exit_code == 1, contradicting.output
    [result] = json.loads(contradicting.stdout)["results"]
    assert result["status"] == "contradicted" and result["contradicted_by"] == ["sohr"]  # "a war monitor said"
    # --min-confidence above the finding's confidence: listed, not counted
    assert run("--db", db, "check", "-", "--min-confidence", confidence + 0.001, input=clash).exit_code == 0


GLANCE = Path(__file__).resolve().parent.parent / "fixtures" / "judge" / "glance.jsonl"


def test_pairs_a_person_answers_at_a_glance(run):
    """Our wording of real cases (unlike figures, not confirming, a denial, a control reversal,
    wounded against killed, two places for one strike, paraphrases): each gets the verdict a
    person gives, except the misses listed in the fixture with their cause (finding one again
    fails here too, to be unlisted)."""
    rows = [json.loads(line) for line in GLANCE.read_text().splitlines()]
    result = run("judge", GLANCE, "--json")
    assert result.exit_code == 0, result.output
    kinds = {line["id"]: line["kind"] for line in map(json.loads, result.stdout.splitlines())}
    wrong = [row["id"] for row in rows if kinds[row["id"]] not in row["expected"]]
    assert wrong == [row["id"] for row in rows if row.get("known_miss")], {i: kinds[i] for i in wrong}


def test_a_correct_draft_is_not_blocked_by_a_count_of_something_else(run, tmp_path):
    db = tmp_path / "desk.db"
    story = tmp_path / "story.txt"
    story.write_text(
        "The strike took the total of Turkish soldiers killed in the province this month to 19, "
        "the defence ministry said.\nTurkey keeps 12 observation posts in the province.\n"
    )
    assert run("--db", db, "ingest", story, "--outlet", "afp", "--published", "2020-02-28").exit_code == 0
    result = run("--db", db, "check", "-", "--format", "json", input="More than 950,000 people have been displaced.\n")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["summary"]["contradicted"] == 0


def test_one_reading_settles_the_fixture_pairs_as_two_do(monkeypatch):
    pairs = [json.loads(line) for line in (ROOT / "fixtures" / "pairs.jsonl").read_text().splitlines() if line.strip()]
    cache = NLICache(load_nli_model())
    read_back = []
    needed = judge.second_reading_needed
    monkeypatch.setattr(judge, "second_reading_needed", lambda *a: read_back.append(needed(*a)) or read_back[-1])

    def kinds(second_reading: float) -> list:
        items = text_pairs_evidence([(p["evidence"], p["claim"]) for p in pairs])
        verdicts = judge.judge_verdicts(items, cache, Thresholds(second_reading=second_reading))
        return [v and v["kind"] for v in verdicts], verdicts

    both, _ = kinds(1.0)
    one, verdicts = kinds(0.9)
    assert one == both
    settled = ~read_back[-1]
    assert 0 < settled.sum() < len(pairs)  # some pairs are read one way, some both
    assert all(
        (v["evidence"]["nli"]["right_to_left"] is None) == s for v, s in zip(verdicts, settled, strict=True) if v
    )
