"""Measuring whole notebooks in a kernel, and the table ``make check-strength`` prints."""

from __future__ import annotations

import json
import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from mlcourse.exercise import Exercise
from mlcourse.mutants.measure import MAX_MUTANTS, TIME_LIMIT_S, Strength

# --- the notebook run ------------------------------------------------------------------------

MUTANT_TAG = "mutants:"


def mutant_source(exercise_id: str, out: str, max_mutants: int, time_limit_s: float) -> str:
    return (
        "from mlcourse.mutants import run_in_kernel\n"
        f"run_in_kernel({exercise_id!r}, globals(), {out!r}, {max_mutants}, {time_limit_s})"
    )


@dataclass
class NotebookStrength:
    path: str
    results: list[Strength] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # cells that failed, results missing
    seconds: float = 0.0

    def total(self, attribute: str) -> int:
        values = (getattr(r, attribute) for r in self.results)
        return sum(v if isinstance(v, int) else len(v) for v in values)

    @property
    def clean(self) -> bool:
        return not self.problems and all(r.clean for r in self.results)


def measuring_copy(nb, exercises: list[Exercise], out: str, max_mutants: int, time_limit_s: float):
    """The solved notebook (as the suite runs it, without its wrong-answer probes) with, after
    each check cell, one cell that measures that exercise."""
    import nbformat

    from mlcourse import notebook

    solved = notebook.solved_copy(nb, exercises)
    known = {e.id for e in exercises}
    cells = []
    for cell in solved.cells:
        if notebook.tagged_id(cell, notebook.PROBE_TAG):
            continue
        cells.append(cell)
        role, exercise_id = notebook.cell_role(cell)
        if role == "check" and exercise_id in known:
            source = mutant_source(exercise_id, out, max_mutants, time_limit_s)
            measuring = nbformat.v4.new_code_cell(source)
            measuring.metadata["tags"] = [f"{MUTANT_TAG}{exercise_id}"]
            cells.append(measuring)
    solved.cells = cells
    return solved


def _kernel_env() -> dict[str, str]:
    """As the suite's kernels: strict checks (a failure raises), one BLAS/OpenMP thread."""
    from mlcourse import ONE_THREAD

    env = {k: v for k, v in os.environ.items() if k != "JPY_SESSION_NAME"}
    return {**ONE_THREAD, **env, "MLCOURSE_STRICT": "1"}


async def _run_notebook(
    path: Path, max_mutants: int, time_limit_s: float, cell_timeout: float
) -> NotebookStrength:
    import tempfile

    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    from mlcourse import notebook
    from mlcourse.registry import load_exercises

    started = time.perf_counter()
    shown = os.path.relpath(path)
    report = NotebookStrength(str(path) if shown.startswith("..") else shown)
    try:
        nb = notebook.read(path)
        exercises = load_exercises(notebook.notebook_id(path, nb))
    except (OSError, ValueError, LookupError) as err:  # one unreadable notebook spoils no other
        report.problems.append(f"could not read the notebook or its spec: {err}")
        return report
    with tempfile.TemporaryDirectory(prefix="mlcourse-mutants-") as scratch:
        out = str(Path(scratch) / "results.jsonl")
        measuring = measuring_copy(nb, exercises, out, max_mutants, time_limit_s)
        client = NotebookClient(
            measuring,
            timeout=cell_timeout,
            kernel_name="python3",  # jupyter_client runs "python" kernels with this interpreter
            allow_errors=True,
            resources={"metadata": {"path": str(Path(path).resolve().parent)}},
        )
        try:
            await client.async_execute(env=_kernel_env(), stderr=subprocess.DEVNULL)
        except CellTimeoutError as err:
            report.problems.append(f"a cell ran past {cell_timeout:g} s: {str(err)[:200]}")
        except DeadKernelError as err:
            report.problems.append(f"the kernel died: {err}")
        for index, cell in enumerate(measuring.cells):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    role, exercise_id = notebook.cell_role(cell)
                    where = f" ({exercise_id} {role})" if exercise_id else ""
                    report.problems.append(
                        f"cell {index}{where} raised {output['ename']}: {output['evalue'][:200]}"
                    )
        lines = Path(out).read_text().splitlines() if Path(out).exists() else []
    measured = {r.exercise_id: r for r in map(Strength.from_json, map(json.loads, lines))}
    for exercise in exercises:
        if exercise.id in measured:
            report.results.append(measured[exercise.id])
        else:
            report.results.append(Strength(exercise.id, exercise.title, problem="not measured"))
    report.seconds = round(time.perf_counter() - started, 1)
    return report


def check_strength(
    paths: list[Path],
    workers: int = 2,
    max_mutants: int = MAX_MUTANTS,
    time_limit_s: float = TIME_LIMIT_S,
    cell_timeout: float = 600,
    progress=None,
) -> list[NotebookStrength]:
    """Measure every exercise of the notebooks ``paths``, ``workers`` kernels at a time."""
    import asyncio

    async def run_all():
        gate = asyncio.Semaphore(max(workers, 1))

        async def one(path):
            async with gate:
                report = await _run_notebook(path, max_mutants, time_limit_s, cell_timeout)
            if progress:
                progress(f"measured {report.path} in {report.seconds:.0f} s")
            return report

        return await asyncio.gather(*(one(Path(p)) for p in paths))

    return list(asyncio.run(run_all()))


def _percent(score: float | None) -> str:
    return "-" if score is None else f"{100 * score:.0f} %"


def _row(label: str, counts: tuple[int, ...], score: float | None) -> str:
    return f"  {label:<10}" + "".join(f" {n:>8}" for n in counts) + f"  {_percent(score)}"


def _score(killed: int, judged: int) -> float | None:
    return killed / judged if judged > 0 else None


def format_table(reports: list[NotebookStrength]) -> str:
    """Per exercise: mutants, killed, equivalent, no-op, survived and the score; under each
    row what needs an author (survivors, stale explanations, problems)."""
    columns = ("mutants", "killed", "equiv.", "no-op", "survived")
    header = f"  {'exercise':<10}" + "".join(f" {c:>8}" for c in columns) + "  score"
    lines = []
    course = [0] * len(columns)
    for report in reports:
        mutant_s = sum(r.seconds for r in report.results)
        lines += ["", f"{report.path}  ({report.seconds:.0f} s, mutants {mutant_s:.0f} s)", header]
        for r in report.results:
            counts = (r.tried, r.killed, len(r.equivalent), len(r.no_op), len(r.survived))
            lines.append(_row(r.exercise_id, counts, r.score))
            notes = [f"survived: {d}" for d in r.survived]
            notes += [f"stale explanation (no such mutant: remove or rename): {d}" for d in r.stale]
            notes += [f"explained, but the check catches it: {d}" for d in r.killed_but_explained]
            if r.generated > r.tried and not r.problem:
                notes.append(f"sampled {r.tried} of {r.generated} mutants (--max-mutants)")
            if r.problem:
                notes.append(f"problem: {r.problem}")
            lines += [f"      {note}" for note in notes]
        totals = tuple(
            report.total(a) for a in ("tried", "killed", "equivalent", "no_op", "survived")
        )
        lines.append(
            _row("notebook", totals, _score(totals[1], sum(totals[:1]) - sum(totals[2:4])))
        )
        lines += [f"  problem: {p}" for p in report.problems]
        course = [a + b for a, b in zip(course, totals)]
    tried, killed, equivalent, no_op, survived = course
    score = _score(killed, tried - equivalent - no_op)
    lines.append(
        f"\n{len(reports)} notebook(s): {tried} mutants, {killed} killed, {equivalent} equivalent, "
        f"{no_op} no-op, {survived} survived; {_percent(score)} of the others killed"
    )
    return "\n".join(lines).lstrip("\n")
