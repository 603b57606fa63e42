"""The README documents what the code does: its search parameters are the registry's, its commands are the CLI's.

No index and no model is needed: this reads README.md and the click and parameter registries only.
"""
from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from search.cli import search_command
from search.request import PARAMETERS
from web.cli import main

README = Path(__file__).resolve().parent.parent / "README.md"


def _section(title: str) -> str:
    """The text of the README's `## title` section, up to the next `## ` heading."""
    text = README.read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
    assert match, f"README.md has no '## {title}' section"
    return match.group(1)


def _parameter_table(section: str) -> list[str]:
    """The names in the first column of the `| parameter | meaning |` table, in order."""
    lines = section.splitlines()
    header = next((i for i, line in enumerate(lines) if re.match(r"^\|\s*parameter\s*\|\s*meaning\s*\|", line)), None)
    assert header is not None, "the HTTP API section has no '| parameter | meaning |' table"
    names = []
    for line in lines[header + 2:]:  # after the header and its |---| line
        if not line.startswith("|"):
            break
        cell = line.split("|")[1].strip()
        name = re.fullmatch(r"`([a-z_]+)`", cell)
        assert name, f"a parameter table row should start with the `name` in backticks: {line!r}"
        names.append(name.group(1))
    return names


def test_readme_lists_every_search_parameter_and_no_other():
    names = _parameter_table(_section("HTTP API"))
    assert len(names) == len(set(names)), f"listed twice: {sorted({n for n in names if names.count(n) > 1})}"
    assert set(PARAMETERS) - set(names) == set(), "search parameters the README's API table does not list"
    assert set(names) - set(PARAMETERS) == set(), "parameters in the README's API table that the code does not know"


@pytest.mark.parametrize("name", sorted(main.commands))
def test_readme_shows_every_cli_command(name):
    assert f"announcements {name}" in _section("Command line"), \
        f"`announcements {name}` is a command but the README's 'Command line' section does not show it"


def test_readme_shows_every_search_option():
    """`announcements search` takes every API parameter as an option; the README's usage line shows them all."""
    section = _section("Command line")
    options = [opt for param in search_command.params if isinstance(param, click.Option)
               for opt in param.opts + param.secondary_opts if opt.startswith("--")]
    missing = [opt for opt in options if not re.search(rf"{re.escape(opt)}(?![\w-])", section)]
    assert missing == [], "options of `announcements search` the README's 'Command line' section does not show"


def test_readme_search_usage_shows_only_real_options():
    """The usage line of `announcements search` names no option the command lacks."""
    usage = re.search(r"^\S*announcements search .*?(?<!\\)$", _section("Command line"), flags=re.M | re.S)
    assert usage, "the README's 'Command line' section has no `announcements search` usage line"
    shown = set(re.findall(r"--[a-z][a-z-]*", usage.group(0)))
    known = {opt for param in search_command.params if isinstance(param, click.Option)
             for opt in param.opts + param.secondary_opts}
    assert shown - known == set(), "options the README shows that `announcements search` does not take"


def test_readme_keeps_the_two_commands_and_no_history():
    text = README.read_text(encoding="utf-8")
    assert "make run" in text and "make test" in text
    assert not re.search(r"issue [0-9]+|\(issue|before this work", text, flags=re.I), \
        "history and issue numbers belong in docs/changelog.md"
