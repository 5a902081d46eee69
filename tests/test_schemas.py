"""The JSON Schemas are generated from the records, closed, and every JSON output follows its own."""

from __future__ import annotations

import json

import jsonschema
import pytest
from click.testing import CliRunner

from verify import schema
from verify.cli import cli

from .conftest import copy_store

DRAFT = "Rebels recaptured the town of Saraqeb on Thursday.\nNine Turkish soldiers were killed in Idlib.\n"


def validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema.load(name), format_checker=jsonschema.FormatChecker())


@pytest.fixture(scope="module")
def outputs(story_db, tmp_path_factory):
    """Each JSON output of the real CLI on the fixture story: report, check, compare, timeline,
    claims, judge."""
    folder = tmp_path_factory.mktemp("outputs")
    db = copy_store(story_db, folder / "story.db")
    (folder / "draft.txt").write_text(DRAFT)

    def out(*args):
        result = CliRunner().invoke(cli, ["--db", str(db), *map(str, args)], catch_exceptions=False)
        assert result.exit_code in (0, 1), result.output  # check exits 1 when a claim is contradicted
        return result.stdout

    return {
        "report": [json.loads(out("report", "--story", "saraqeb", "--format", "json"))],
        "check": [json.loads(out("check", folder / "draft.txt", "--story", "saraqeb", "--format", "json"))],
        "compare": [json.loads(out("compare", "--story", "saraqeb", "--json"))],
        "timeline": [json.loads(out("timeline", "--story", "saraqeb", "--json"))],
        "claims": [json.loads(out("claims", "--json")), json.loads(out("search", "Saraqeb", "--json"))],
        "judge": [
            json.loads(line)
            for line in out(
                "judge", "--premise", DRAFT, "--hypothesis", "Government forces recaptured Saraqeb.", "--json"
            ).splitlines()
        ],
    }


@pytest.mark.parametrize("name", schema.OUTPUTS)
def test_every_output_follows_its_schema(outputs, name):
    assert outputs[name], name
    for data in outputs[name]:
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(name).iter_errors(data)]
        assert not errors, errors[:5]


def test_a_field_the_records_do_not_declare_fails(outputs):
    report = json.loads(json.dumps(outputs["report"][0]))
    report["findings"][0]["evidence"]["undeclared"] = 1
    with pytest.raises(jsonschema.ValidationError, match="undeclared"):
        validator("report").validate(report)
    claims = json.loads(json.dumps(outputs["claims"][0]))
    del claims[0]["source"]
    with pytest.raises(jsonschema.ValidationError, match="'source' is a required property"):
        validator("claims").validate(claims)


def test_the_store_keeps_every_field_of_the_records(story_db):
    """Each record's fields are columns of the store (a claim's with its source and document joined)."""
    from verify.records import CLAIM_FIELDS, Finding, required_keys
    from verify.store.db import open_store

    store = open_store(story_db)
    try:
        stored = {c[1] for c in store.conn.execute("PRAGMA table_info(finding_contents)")}
        assert set(required_keys(Finding)) <= stored
        assert set(CLAIM_FIELDS) <= set(store.claims()[0])
    finally:
        store.close()
