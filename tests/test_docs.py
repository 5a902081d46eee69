"""The docs stay true to the code: the generated command reference, every command in the README."""

from __future__ import annotations

import subprocess
import sys

import click

from verify.cli import cli

from .conftest import ROOT


def all_commands(group: click.Group, path: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from all_commands(command, (*path, name))


def test_command_reference_and_thresholds_table_are_generated_from_the_code():
    """docs/cli-reference.md and the README's thresholds table are what `cog -r` makes of the
    current --help texts and of Thresholds."""
    done = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", "--diff", "docs/cli-reference.md", "README.md"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, "run `make docs`:\n" + done.stdout[-2000:] + done.stderr[-2000:]


def test_every_command_is_in_the_reference_and_the_readme():
    reference = (ROOT / "docs" / "cli-reference.md").read_text()
    readme = (ROOT / "README.md").read_text()
    for path, _ in all_commands(cli):
        name = "verify " + " ".join(path)
        assert f"## {name}\n" in reference, name
        assert name in readme, f"{name} is not in the README"


def test_the_readme_python_example_runs(tmp_path):
    """The README's Python block, run as written from the repository's root (its store in a temp folder)."""
    readme = (ROOT / "README.md").read_text()
    code = readme.split("```python\n", 1)[1].split("```", 1)[0]
    code = code.replace('"python-example.db"', repr(str(tmp_path / "example.db")))
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert len(lines) == 5 and lines[3].startswith("{'contradicted'")
    assert lines[4].split()[0] in ("agreement", "partial", "contradiction", "unrelated")
