"""``mlcourse`` command line: ``check`` a learner's notebooks (``check capstone``: the capstone's
milestones), ``strip`` outputs before a commit, ``progress`` of a learner, ``validate`` a
notebook before submitting it; ``release``, ``collect``, ``grade`` and ``export`` for
instructors; ``check-strength`` for authors."""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import sys
from pathlib import Path


def _is_capstone_project(paths: list[str]) -> bool:
    """``check capstone`` means the project's milestone table, not its guided notebooks."""
    return len(paths) == 1 and Path(paths[0]).as_posix().rstrip("/") == "capstone"


def _capstone_check(args) -> int:
    from mlcourse.capstone_check import format_table, run_capstone_check

    report = run_capstone_check(
        workers=args.workers, milestones=args.milestone or None, fast=args.fast
    )
    print(format_table(report))
    return 0 if report.all_passed else 1


def _check(args) -> int:
    from mlcourse.check import format_table, run_check

    if _is_capstone_project(args.paths):
        return _capstone_check(args)
    if args.milestone or args.fast:
        raise ValueError("--milestone and --fast go with `check capstone` (the milestone table)")

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


def _grade(args) -> int:
    from mlcourse.grading.confine import SandboxUnavailable
    from mlcourse.grading.grade import GradingStopped, Term, grade
    from mlcourse.grading.sandbox import Limits

    limits = Limits(**{f.name: getattr(args, f.name) for f in dataclasses.fields(Limits)})
    term = Term(
        roster=args.roster,
        students=tuple(args.student or ()),
        due=args.due,
        late_penalty=args.late_penalty,
        extensions=args.extensions,
        overrides=args.overrides,
    )
    if args.submissions is None and args.student:
        raise ValueError("--student regrades a submission: give --submissions too.")
    try:
        path, results = grade(
            args.notebooks,
            args.submissions,
            args.out,
            args.hidden,
            limits,
            not args.no_sandbox,
            term,
        )
    except SandboxUnavailable as err:
        print(f"mlcourse grade: {err}", file=sys.stderr)
        return 2
    except GradingStopped as err:
        print(f"mlcourse grade: {err}", file=sys.stderr)
        return 128 + err.signum
    print(f"graded {len(results)} submission(s): {path}", file=sys.stderr)
    print(path.parent / "course_gradebook.csv")
    return 0


def _collect(args) -> int:
    from mlcourse.grading.collect import MAPPING, collect

    rows, absent = collect(args.download, args.roster, args.out)
    unmatched = [r for r in rows if not r["student_id"]]
    used = {r["student_id"] for r in rows if r["file"]}
    print(
        f"collected {len(used)} student(s) into {args.out}; see {args.out / MAPPING}",
        file=sys.stderr,
    )
    if absent:
        print(f"no submission from: {', '.join(absent)}", file=sys.stderr)
    for row in unmatched:
        print(
            f"not matched to the roster: {row['original']} ({row['matched_by']})", file=sys.stderr
        )
    if unmatched:
        print(
            f"{len(unmatched)} file(s) not copied: expected each file's name to carry a roster "
            "student's LMS user id (an `lms_id` column), id, name or e-mail. Add the student to "
            "the roster (or their lms_id), then collect again into a new folder; or copy the "
            f"file into {args.out}/<roster id>/ yourself and add its row to {MAPPING}.",
            file=sys.stderr,
        )
    return 1 if unmatched else 0


def _export(args) -> int:
    from mlcourse.grading.export import export

    names = {}
    for item in args.name or ():
        notebook_id, sep, name = item.partition("=")
        if not sep or not name:
            raise ValueError(
                f"--name should be NOTEBOOK_ID=COLUMN, e.g. 01.01='Week 1 (1234)', got {item!r}."
            )
        names[notebook_id] = name
    path, warnings = export(args.out, args.lms, args.to, args.assignment, names)
    for warning in warnings:
        print(f"mlcourse export: {warning}", file=sys.stderr)
    print(path)
    return 0


def _validate(args) -> int:
    from mlcourse.grading.validate import validate

    reports = [validate(path, fix=args.fix) for path in args.notebooks]
    for report in reports:
        print(report.text())
    return 0 if all(r.ok or (args.fix and r.all_fixed) for r in reports) else 1


def _release(args) -> int:
    from mlcourse.release import release

    for path in release(args.modules, args.out):
        print(f"released {path}", file=sys.stderr)
    return 0


def _progress(args) -> int:
    from mlcourse import progress

    if args.verify:
        progress.verify(args.paths, workers=args.workers)
    print(progress.format_table(progress.summary()))
    return 0


def _check_strength(args) -> int:
    from mlcourse import mutants
    from mlcourse.check import find_notebooks

    paths = find_notebooks(args.paths)
    reports = mutants.check_strength(
        paths,
        workers=args.workers,
        max_mutants=args.max_mutants,
        time_limit_s=args.time_limit,
        progress=lambda line: print(line, file=sys.stderr),
    )
    print(mutants.format_table(reports))
    if args.report_only or all(report.clean for report in reports):
        return 0
    if any(r.survived for report in reports for r in report.results):
        print(
            "\nA surviving mutant is a hole in the check (add a case or a wrong answer) or gives "
            "the same answer on every input: then explain it in the spec's "
            "`equivalent_mutants={description: reason}`.",
            file=sys.stderr,
        )
    return 1


def build_parser() -> argparse.ArgumentParser:
    from mlcourse.grading.sandbox import Limits

    parser = argparse.ArgumentParser(prog="mlcourse", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser(
        "check",
        help="run your notebooks and print a table of exercise outcomes; `check capstone`: "
        "the capstone's acceptance tests against your package, one row per milestone",
    )
    check.add_argument(
        "paths",
        nargs="*",
        help="notebooks or folders (default: all modules); `capstone` alone: the milestone table "
        "(`capstone/notebooks`: its guided notebooks)",
    )
    check.add_argument("--workers", type=int, default=2, help="notebooks (test files) in parallel")
    check.add_argument("--strict", action="store_true", help="exit 1 unless every check passes")
    check.add_argument(
        "--milestone",
        type=int,
        action="append",
        help="check capstone: only this milestone's tests (repeatable)",
    )
    check.add_argument(
        "--fast", action="store_true", help="check capstone: skip the slow tests (servers, Spark)"
    )
    check.set_defaults(run=_check)

    strip = commands.add_parser("strip", help="remove outputs from notebooks (before committing)")
    strip.add_argument("paths", nargs="*", help="notebooks or folders (default: all modules)")
    strip.set_defaults(run=_strip)

    grade = commands.add_parser("grade", help="grade a cohort's submissions (instructors)")
    grade.add_argument("notebooks", nargs="+", type=Path, help="the assignment's notebooks")
    grade.add_argument(
        "--submissions",
        type=Path,
        help="one entry per student (without it: only apply --overrides, --due, ...)",
    )
    grade.add_argument(
        "--out",
        type=Path,
        required=True,
        help="the course's grading folder, kept all term: gradebooks, feedback, summaries",
    )
    grade.add_argument("--roster", type=Path, help="CSV id,name,email: every student gets a row")
    grade.add_argument(
        "--student",
        action="append",
        metavar="ID",
        help="(re)grade only this student (repeatable); the others keep their grades",
    )
    grade.add_argument("--due", help="due date, ISO 8601, e.g. 2025-03-07T23:59+01:00")
    grade.add_argument(
        "--late-penalty", help="percent of the points per started day (or hour) late, e.g. 10%%/day"
    )
    grade.add_argument("--extensions", type=Path, help="CSV id,due (or id,days): own due dates")
    grade.add_argument(
        "--overrides",
        type=Path,
        help="CSV student,exercise,points,comment: manual grades, merged into OUT/overrides.csv",
    )
    grade.add_argument("--hidden", type=Path, help="folder of instructor-only checks (.py)")
    for limit in dataclasses.fields(Limits):  # the one definition of grading limits
        grade.add_argument(
            f"--{limit.name.replace('_', '-')}",
            type=type(limit.default),
            default=limit.default,
            help=f"{limit.metadata['help']} (default: %(default)s)",
        )
    grade.add_argument(
        "--no-sandbox",
        action="store_true",
        help="run submissions without bubblewrap (each feedback file and row says so)",
    )
    grade.set_defaults(run=_grade)

    collect = commands.add_parser(
        "collect", help="an LMS bulk download into submissions/<roster id>/ (instructors)"
    )
    collect.add_argument("download", type=Path, help="the downloaded folder or .zip")
    collect.add_argument("--roster", type=Path, required=True, help="CSV id,name,email[,lms_id]")
    collect.add_argument("--out", type=Path, required=True, help="a new submissions folder")
    collect.set_defaults(run=_collect)

    export = commands.add_parser("export", help="the running gradebook for an LMS import")
    export.add_argument("--out", type=Path, required=True, help="the grading folder")
    export.add_argument("--lms", choices=["canvas", "plain"], default="canvas")
    export.add_argument("--to", type=Path, required=True, help="the CSV file to write")
    export.add_argument(
        "--assignment", action="append", help="notebook id to export (repeatable; default all)"
    )
    export.add_argument(
        "--name", action="append", help="column name: NOTEBOOK_ID='Week 1 (canvas id)'"
    )
    export.set_defaults(run=_export)

    validate = commands.add_parser(
        "validate", help="check your notebook before submitting: tags, ids, readable"
    )
    validate.add_argument("notebooks", nargs="+", type=Path)
    validate.add_argument(
        "--fix", action="store_true", help="put lost tags back on the cells found"
    )
    validate.set_defaults(run=_validate)

    release = commands.add_parser(
        "release",
        help="copy modules for a cohort, without solution code (expected values included)",
    )
    release.add_argument(
        "modules",
        nargs="+",
        type=Path,
        help="module folders, e.g. modules/01-math; `capstone`: the project skeleton, its tests "
        "and guided notebooks",
    )
    release.add_argument("--out", type=Path, required=True, help="where the release is written")
    release.set_defaults(run=_release)

    progress = commands.add_parser("progress", help="your exercise outcomes, course-wide")
    progress.add_argument("paths", nargs="*", help="with --verify: notebooks or folders")
    progress.add_argument("--verify", action="store_true", help="re-run the notebooks to confirm")
    progress.add_argument("--workers", type=int, default=2, help="notebooks run in parallel")
    progress.set_defaults(run=_progress)
    strength = commands.add_parser(
        "check-strength",
        help="run mutants of every reference solution through its check (authors)",
    )
    strength.add_argument("paths", nargs="*", help="notebooks or folders (default: all)")
    strength.add_argument("--workers", type=int, default=2, help="notebooks run in parallel")
    strength.add_argument(
        "--max-mutants", type=int, default=60, help="per exercise; more are sampled evenly"
    )
    strength.add_argument("--time-limit", type=float, default=5.0, help="seconds per mutant")
    strength.add_argument(
        "--report-only", action="store_true", help="exit 0 even when a mutant survives"
    )
    strength.set_defaults(run=_check_strength)
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
