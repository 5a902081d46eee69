"""The Ray engine gives the local engine's findings; the incremental path touches only what is new."""

from __future__ import annotations

import json

import pytest

from verify.compare.story import compare
from verify.ingest.documents import ingest
from verify.store.db import open_store

from .conftest import ingest_story


def start_local_ray():
    """A local Ray cluster of 2 CPUs, or a skip that says why it could not start."""
    try:
        import ray
    except ImportError as exc:
        pytest.skip(f"Ray is not installed ({exc}); make test installs it with the ray extra")
    try:
        if not ray.is_initialized():
            ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, object_store_memory=256 * 1024 * 1024)
    except Exception as exc:  # noqa: BLE001 - any failure to start means the same: no cluster here
        reason = f"Ray could not start a local cluster: {str(exc).splitlines()[0]}"
        print(reason)
        pytest.skip(reason)
    return ray


def test_ray_engine_finds_what_the_local_engine_finds(tmp_path, run):
    ray = start_local_ray()
    try:
        local_db, ray_db = tmp_path / "local.db", tmp_path / "ray.db"
        ingest_story(local_db)
        ingest_story(ray_db)
        local = run("--db", local_db, "report", "--story", "saraqeb", "--format", "json")
        remote = run("--db", ray_db, "report", "--story", "saraqeb", "--format", "json", "--engine", "ray")
        assert local.exit_code == 0 and remote.exit_code == 0, remote.output
        a, b = json.loads(local.stdout), json.loads(remote.stdout)
        assert b["run"]["stats"]["engine"] == "ray" and b["run"]["stats"]["embedded"] > 0
        # Ray's workers batch the texts differently; vectors may differ in the last float bits,
        # so a confidence may round one unit apart, never more
        assert sorted((f["id"], f["kind"]) for f in a["findings"]) == sorted(
            (f["id"], f["kind"]) for f in b["findings"]
        )
        confidence = {f["id"]: f["confidence"] for f in b["findings"]}
        assert all(abs(f["confidence"] - confidence[f["id"]]) <= 0.002 for f in a["findings"])
        assert [g["claims"] for g in a["groups"]] == [g["claims"] for g in b["groups"]]
    finally:
        ray.shutdown()


def test_adding_a_document_embeds_only_its_claims_and_leaves_other_groups_alone(tmp_path):
    db = tmp_path / "incremental.db"
    ingest_story(db)
    store = open_store(db)
    before = compare(store, story="saraqeb")
    new = tmp_path / "new.txt"
    new.write_text(
        "The UN humanitarian office said 900,000 people had fled the Idlib region since December, "
        "most of them women and children.\nAid convoys were waiting at the Bab al-Hawa crossing."
    )
    ingest(store, [new], outlet="ocha", story="saraqeb")
    new_claims = {c["id"] for c in store.claims(story="saraqeb")} - {c["id"] for c in before.claims}
    after = compare(store, story="saraqeb")
    assert after.stats["embedded"] == len(new_claims) == 2
    touched = {g["id"] for g in after.groups if set(g["claims"]) & new_claims}
    untouched_before = {g["id"]: g for g in before.groups}
    for group in after.groups:
        if group["id"] not in touched:
            assert group == untouched_before[group["id"]]
    old_findings = {f["id"]: f for f in before.findings if f["kind"] != "omission"}
    for f in after.findings:
        if f["kind"] != "omission" and not set(f["claims"]) & new_claims:
            assert f == old_findings[f["id"]]
    store.close()


def test_unknown_engine_and_missing_ray_are_clear_errors(run, story_db):
    result = run("--db", story_db, "report", "--engine", "spark")
    assert result.exit_code == 2 and "spark" in result.stderr


def test_report_of_one_document_in_the_story(run, tmp_path):
    db = tmp_path / "one.db"
    ingest_story(db)
    store = open_store(db)
    wire = next(d["id"] for d in store.documents() if d["outlet"] == "reuters")
    store.close()
    result = run("--db", db, "report", "--document", wire, "--format", "json")
    assert result.exit_code == 0 and {d["id"] for d in json.loads(result.stdout)["documents"]} == {wire}


def test_unreachable_ray_address_is_one_line_and_leaves_no_complete_run(run, tmp_path, monkeypatch):
    pytest.importorskip("ray")
    db = tmp_path / "ray.db"
    ingest_story(db)
    monkeypatch.setenv("RAY_ADDRESS", "127.0.0.1:1")
    result = run("--db", db, "report", "--engine", "ray")
    assert result.exit_code == 1 and "cannot reach the Ray cluster at 127.0.0.1:1" in result.stderr
    runs = json.loads(run("--db", db, "audit", "runs", "--json").stdout)
    assert [r["status"] for r in runs] == ["aborted"]
