"""``--help`` (or ``-h``) for the experiment scripts, which read ``sys.argv`` by hand: a script asked for help
prints its docstring (what it measures, its rule and its command lines) and exits, instead of starting a run that
can take an hour. Each script calls :func:`exit_on_help` first thing under ``if __name__ == "__main__":``
(tests/test_layout.py checks that every one does)."""

from __future__ import annotations

import sys


def exit_on_help(doc: str | None) -> None:
    """Print ``doc`` and exit 0 when the command line asks for help."""
    if {"--help", "-h"} & set(sys.argv[1:]):
        print((doc or "").strip())
        raise SystemExit(0)
