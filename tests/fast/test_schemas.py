"""The committed JSON schemas are what the records generate, and the views name every enum value."""

from __future__ import annotations

import jsonschema

from verify import schema


def test_committed_schemas_are_what_the_records_generate():
    for name, generated in schema.generated().items():
        jsonschema.Draft202012Validator.check_schema(generated)
        assert schema.load(name) == generated, f"run python -m verify.schema: {name}.schema.json is out of date"
    assert schema.main(["--check"]) == 0


def test_the_views_name_every_value_of_the_enums():
    """The terminal's and the HTML page's words and symbols for matrix cells and finding kinds
    cover exactly the values the records allow."""
    from verify.records import CELLS, FINDING_KINDS
    from verify.report.document import CELL_SYMBOLS, CELL_WORDS, KIND_TITLES
    from verify.views.terminal import CELL_STYLES, KIND_STYLES

    assert tuple(CELL_WORDS) == tuple(CELL_SYMBOLS) == tuple(CELL_STYLES) == CELLS
    assert set(KIND_TITLES) == set(KIND_STYLES) == set(FINDING_KINDS)
