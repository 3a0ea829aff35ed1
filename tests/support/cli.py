"""Run the CLI in-process the way a shell would, and see what it printed and returned."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from typing import Any

from reelmatch.cli import main


@dataclass
class Outcome:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def run_cli(*args: str, stdin: str = "") -> Outcome:
    import sys

    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                main(list(args))
                code = 0
            except SystemExit as exit_:
                code = int(exit_.code or 0)
    finally:
        sys.stdin = old_stdin
    return Outcome(code, out.getvalue(), err.getvalue())
