"""The command line starts fast: `--help` and `movies search` import only what they use."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from reelmatch.cli.main import COMMANDS, SHORT_HELP_LIMIT, cli, load_command
from tests.conftest import ROOT

HEAVY = ("openai", "pandas", "scipy", "streamlit", "numpy", "sqlalchemy", "redis")
NEVER_FOR_SEARCH = ("openai", "pandas", "scipy", "streamlit", "redis")

PROBE = """
import json, sys
from reelmatch.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})), file=sys.stderr)
"""


def _imported(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_help_imports_no_heavy_library() -> None:
    imported = _imported("--help")
    assert "click" in imported  # the probe saw the CLI run
    assert not imported & set(HEAVY), sorted(imported & set(HEAVY))


def test_an_offline_search_imports_no_ai_dataframes_or_ui() -> None:
    imported = _imported("movies", "search", "godfater", "--json")
    assert "rapidfuzz" in imported  # the search itself ran
    assert not imported & set(NEVER_FOR_SEARCH), sorted(imported & set(NEVER_FOR_SEARCH))


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_listed_help_is_the_commands_own(name: str) -> None:
    command = load_command(name)
    assert command.name == name
    assert COMMANDS[name].short_help == command.get_short_help_str(limit=SHORT_HELP_LIMIT)


def test_an_unknown_command_is_a_usage_error() -> None:
    context = cli.make_context("reelmatch", ["--help"], resilient_parsing=True)
    assert cli.get_command(context, "no-such-command") is None
