"""``mlcourse`` command line: ``check`` a learner's notebooks, ``strip`` outputs before a commit."""

from __future__ import annotations

import argparse
import shutil
import sys


def _check(args) -> int:
    from mlcourse.check import format_table, run_check

    report = run_check(args.paths, workers=args.workers)
    print(format_table(report, width=shutil.get_terminal_size((100, 20)).columns))
    if args.strict and not report.all_correct:
        return 1
    return 2 if report.problems else 0


def _strip(args) -> int:
    from mlcourse import notebook
    from mlcourse.check import find_notebooks

    changed = 0
    for path in find_notebooks(args.paths):
        nb = notebook.read(path)
        if notebook.strip_outputs(nb):
            notebook.write(nb, path)
            changed += 1
            print(f"stripped {path}", file=sys.stderr)
    print(f"{changed} notebook(s) changed", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mlcourse", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser(
        "check", help="run your notebooks and print a table of exercise outcomes"
    )
    check.add_argument("paths", nargs="*", help="notebooks or folders (default: all modules)")
    check.add_argument("--workers", type=int, default=2, help="notebooks run in parallel")
    check.add_argument("--strict", action="store_true", help="exit 1 unless every check passes")
    check.set_defaults(run=_check)

    strip = commands.add_parser("strip", help="remove outputs from notebooks (before committing)")
    strip.add_argument("paths", nargs="*", help="notebooks or folders (default: all modules)")
    strip.set_defaults(run=_strip)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (FileNotFoundError, ValueError, LookupError) as err:
        print(f"mlcourse {args.command}: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
