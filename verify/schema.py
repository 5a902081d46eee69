"""Strict JSON Schemas of verify's JSON outputs, generated from the records of :mod:`verify.records`.

    python -m verify.schema            # write verify/schemas/*.schema.json
    python -m verify.schema --check    # exit 1 if a committed file differs from what the records give

Every object is closed (``additionalProperties: false``), so a field the code emits and the
records do not declare fails validation. A test regenerates the files and compares them.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import types
import typing
from importlib.resources import files
from pathlib import Path

from verify import records

OUTPUTS = {
    "report": (records.Report, "`verify report --format json`"),
    "check": (records.Check, "`verify check --format json`"),
    "compare": (records.Comparison, "`verify compare --json`"),
    "claims": (list[records.Claim], "`verify claims --json` and `verify search --json`"),
    "judge": (records.Verdict, "each line of `verify judge --json` (JSON Lines)"),
    "timeline": (records.Timelines, "`verify timeline --json`"),
}
FOLDER = Path(__file__).parent / "schemas"
SCALARS = {str: "string", int: "integer", float: "number", bool: "boolean", type(None): "null"}


def schema_of(record) -> dict:
    """The JSON Schema (draft 2020-12) of ``record``, each record it uses defined once in ``$defs``."""
    definitions: dict[str, dict] = {}
    root = _type(record, definitions)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **root,
        "$defs": dict(sorted(definitions.items())),
    }


def _type(hint, definitions: dict) -> dict:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is typing.Any:
        return {}
    if hint in SCALARS:
        return {"type": SCALARS[hint]}
    if hint in (dict, list):
        return {"type": "object" if hint is dict else "array"}
    if origin is typing.Literal:
        return {"const": args[0]} if len(args) == 1 else {"enum": list(args)}
    if origin in (typing.Union, types.UnionType):
        options = [_type(a, definitions) for a in args]
        if all(set(o) == {"type"} for o in options):  # ["string", "null"] rather than anyOf
            return {"type": [o["type"] for o in options]}
        return {"anyOf": options}
    if origin is list:
        return {"type": "array", "items": _type(args[0], definitions)}
    if origin is dict:
        out = {"type": "object", "additionalProperties": _type(args[1], definitions)}
        if typing.get_origin(args[0]) is typing.Literal:
            out["propertyNames"] = _type(args[0], definitions)
        return out
    if typing.is_typeddict(hint) or dataclasses.is_dataclass(hint):
        name = hint.__name__
        if name not in definitions:
            definitions[name] = {}  # a placeholder while its fields are read (records may nest)
            definitions[name] = _object(hint, definitions)
        return {"$ref": f"#/$defs/{name}"}
    raise TypeError(f"no JSON Schema for {hint!r}")


def _object(record, definitions: dict) -> dict:
    """A record as a closed object: TypedDict keys (NotRequired or total=False: optional) or a
    dataclass's fields (all present in its ``as_dict``)."""
    hints = typing.get_type_hints(record, vars(records), include_extras=True)
    properties, required = {}, []
    for key, hint in hints.items():
        optional = typing.get_origin(hint) is typing.NotRequired
        properties[key] = _type(typing.get_args(hint)[0] if optional else hint, definitions)
        if not optional and getattr(record, "__total__", True):
            required.append(key)
    out = {"type": "object", "properties": properties, "required": required, "additionalProperties": False}
    if record.__doc__ and not record.__doc__.startswith(record.__name__ + "("):  # not a dataclass's made-up one
        out = {"description": " ".join(record.__doc__.split())} | out
    return out


def generated() -> dict[str, dict]:
    """Each output's schema, by output name, as the records say it is now."""
    return {name: {"title": what, **schema_of(record)} for name, (record, what) in OUTPUTS.items()}


def load(name: str) -> dict:
    """The committed schema of one output (shipped in the package)."""
    return json.loads(files("verify").joinpath(f"schemas/{name}.schema.json").read_text())


def text(schema: dict) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    stale = []
    for name, schema in generated().items():
        path = FOLDER / f"{name}.schema.json"
        if "--check" in argv:
            if not path.is_file() or path.read_text() != text(schema):
                stale.append(path.name)
        else:
            path.write_text(text(schema))
    if stale:
        print(f"out of date: {', '.join(stale)}; run python -m verify.schema", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
