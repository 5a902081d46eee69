"""The command line's small promises: global flags anywhere, one-line unexpected errors,
--json everywhere a script needs it, and an example in every command's --help."""

from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner

from verify.cli import cli

from .conftest import ROOT, verify_process


def commands(group: click.Group = cli, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from commands(command, (*prefix, name))


@pytest.mark.parametrize("path", [p for p, _ in commands()], ids=" ".join)
def test_every_command_has_an_example(path):
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0 and "Example" in result.output and f"verify {' '.join(path)}" in result.output


def test_global_flags_anywhere(run, story_db, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    after = run("--db", story_db, "sources", "--no-color")
    assert after.exit_code == 0 and after.stdout == run("--no-color", "--db", story_db, "sources").stdout
    assert run("--db", story_db, "audit", "runs", "--no-color", "--json").exit_code == 0


def test_unexpected_error_is_one_line_unless_debug(run, story_db, monkeypatch):
    import verify.store.runs

    def broken(store):
        raise RuntimeError("something nobody expected\nsecond line")

    monkeypatch.setattr(verify.store.runs, "runs", broken)
    result = run("--db", story_db, "audit", "runs")
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "unexpected error: RuntimeError: something nobody expected second line" in result.stderr
    with pytest.raises(RuntimeError):
        run("--db", story_db, "audit", "runs", "--debug")


def test_sources_add_json(run, story_copy):
    result = run(
        "--db",
        story_copy,
        "sources",
        "add",
        "idlib-council",
        "--name",
        "Idlib Local Council",
        "--kind",
        "body",
        "--alias",
        "the local council",
        "--json",
    )
    saved = json.loads(result.stdout)
    assert result.exit_code == 0 and saved["id"] == "idlib-council" and "the local council" in saved["aliases"]
    listed = {s["id"]: s for s in json.loads(run("--db", story_copy, "sources", "--json").stdout)}
    assert listed["idlib-council"]["name"] == "Idlib Local Council"


def test_shell_completion(tmp_path):
    import os
    import subprocess
    import sys

    env = dict(os.environ, _VERIFY_COMPLETE="bash_complete", COMP_WORDS="verify au", COMP_CWORD="1")
    done = subprocess.run([sys.executable, "-m", "verify"], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0 and "plain,audit" in done.stdout.splitlines()


HEAVY = ("sklearn", "torch", "transformers", "sentence_transformers", "pandas")


@pytest.mark.parametrize(
    "args", [["--help"], ["claims"], ["documents"], ["sources"], ["audit", "runs"], ["audit", "verify"]], ids=" ".join
)
def test_light_commands_import_nothing_heavy(story_db, args):
    """What answers at once must not load the model libraries (seconds each on this machine)."""
    done, imported = verify_process("--db", story_db, *args)
    assert done.returncode == 0, done.stderr[-500:]
    assert "verify.cli" in imported
    assert not {name for name in imported if name.split(".")[0] in HEAVY}


@pytest.mark.parametrize("args", [["--help"], ["report", "--help"], ["audit", "--help"], ["--version"]], ids=" ".join)
def test_help_loads_only_the_command_line(args):
    """Help answers before any pipeline stage, the store or numpy is imported: each command
    imports what it runs when it runs."""
    done, imported = verify_process(*args)
    assert done.returncode == 0, done.stderr[-500:]
    assert "verify.cli" in imported
    loaded = {name for name in imported if name.split(".")[0] in ("numpy", "sqlite_utils", "rapidfuzz")}
    loaded |= imported & {"verify.store", "verify.compare", "verify.ingest", "verify.report"}
    assert not loaded


def test_every_threshold_is_documented_with_its_default():
    """docs/how-it-works.md (its generated table) names each field of Thresholds with its default."""
    from dataclasses import fields

    from verify.records import Thresholds

    documented = (ROOT / "docs" / "how-it-works.md").read_text()
    for f in fields(Thresholds):
        assert f"| `{f.name}` | {f.default} |" in documented, f.name


def test_every_format_the_options_offer_has_a_renderer():
    from verify.cli.options import FORMATS
    from verify.views import formats

    assert FORMATS == ("terminal", *formats.REPORT) == ("terminal", *formats.CHECK)
