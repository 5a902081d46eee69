"""The docs stay true to the code: the generated command reference and thresholds table, every
command in the README, and the README's walkthrough and Python example run as written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import click

from verify.cli import cli

from .conftest import ROOT


def all_commands(group: click.Group, path: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from all_commands(command, (*path, name))


GENERATED = (
    "README.md",
    "docs/cli-reference.md",
    "docs/how-it-works.md",
    "bench/README.md",
)  # what `make docs` regenerates


def test_command_reference_thresholds_and_bench_figures_are_generated():
    """docs/cli-reference.md, the thresholds table of docs/how-it-works.md and the figure tables of
    bench/README.md are what `cog -r` makes of the current --help texts, of Thresholds and of
    bench/results/*.json."""
    done = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", "--diff", *GENERATED],
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


def walkthrough() -> str:
    """The README's desk walkthrough: the ```sh block on the line after `<!-- walkthrough -->`."""
    readme = (ROOT / "README.md").read_text()
    after = readme.split("<!-- walkthrough -->\n", 1)[1]
    assert after.startswith("```sh\n"), "the walkthrough marker must sit on the line before its ```sh fence"
    return after.removeprefix("```sh\n").split("\n```\n", 1)[0] + "\n"


def test_the_readme_walkthrough_runs_as_written(tmp_path):
    """The README's desk walkthrough, run with bash -e from the repository's root, its store and
    draft in a temp folder: every command succeeds (check's exit 1 is caught as the block says)."""
    script = walkthrough()
    for name in ("walkthrough.db", "draft.md"):
        assert name in script, f"the walkthrough no longer names {name!r}: update this test"
    # The interpreter running the tests stands for the venv the block activates.
    script, activations = re.subn(r"^\. \.venv/bin/activate\b.*$", ":", script, flags=re.MULTILINE)
    assert activations == 1, "the walkthrough should start by activating .venv"
    script = script.replace("walkthrough.db", str(tmp_path / "walkthrough.db"))
    script = script.replace("draft.md", str(tmp_path / "draft.md"))
    left_behind = [ROOT / "walkthrough.db", ROOT / "draft.md"]
    there_before = [path.exists() for path in left_behind]
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("VERIFY_DB", None)
    env["COLUMNS"] = "100"
    done = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", script],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    out = done.stdout
    assert done.returncode == 0, out[-3000:]
    assert out.count("claim(s) added") == 5  # the five ingests
    assert "Coverage: claim groups by source" in out and re.search(r"Contradictions \(\d+\)", out)  # the report
    assert "2 claim(s):" in out and ("CONTRADICTED" in out or "SUPPORTED" in out)  # the check
    assert "contradicted: exit 2" not in out  # a usage error would be caught by the `|| echo` too
    assert "confirm recorded on f-" in out  # the review
    assert "audit chain intact" in out  # audit verify
    assert [path.exists() for path in left_behind] == there_before  # nothing written into the checkout
