"""`python -m reelmatch`: the same services the pages use, from a terminal.

Errors go to stderr; exit code 2 for bad input, 1 for failures; every command that prints data
takes `--json`.
"""

from reelmatch.cli.main import cli, main

__all__ = ["cli", "main"]
