"""``<notebook>/summary.md`` and ``scores.png``: what the cohort got right and wrong, before the
next lecture. Per exercise: how many answers were correct, incorrect, not attempted; which
recorded wrong answers ("Did you ...?") they matched, how often; and clusters of identical
incorrect answers (the same code, comments and layout aside) that no recorded wrong answer
explains yet: candidates for a new one.
"""

from __future__ import annotations

import ast
import io
import math
import statistics
from collections import Counter, defaultdict
from pathlib import Path

from mlcourse.grading.gradebook import MISSING, NEEDS_REVIEW, _cell, _number
from mlcourse.outcomes import CORRECT, INCORRECT, NOT_ATTEMPTED

FIGURE = "scores.png"
SUMMARY = "summary.md"
MAX_CODE_LINES = 12


def normalised(code: str) -> str:
    """The answer without comments, blank lines or layout; as typed if it does not parse."""
    try:
        return ast.unparse(ast.parse(code)).strip()
    except (SyntaxError, ValueError):
        return "\n".join(line.rstrip() for line in code.strip().splitlines() if line.strip())


def text(settings, views: dict, records: dict) -> str:
    """The Markdown summary of one assignment (``views``: student -> course.View)."""
    submitted = {s: v for s, v in views.items() if v.result is not None}
    missing = sorted(s for s, v in views.items() if v.result is None)
    late = sorted(s for s, v in submitted.items() if v.late_hours)
    review = sorted(s for s, v in submitted.items() if v.status == NEEDS_REVIEW)
    totals = [v.total for v in submitted.values()]
    maximum = settings.maximum
    lines = [f"# Summary: {settings.notebook} ({settings.notebook_id})", ""]
    lines.append(
        f"{len(views)} student(s): {len(submitted)} submitted, {len(missing)} missing, "
        f"{len(late)} late, {len(review)} to grade by hand."
    )
    if totals:
        lines.append(
            f"Scores of those who submitted (of {_number(maximum)} points, after late penalties "
            f"and manual grades): mean {_number(statistics.fmean(totals))}, median "
            f"{_number(statistics.median(totals))}, lowest {_number(min(totals))}, highest "
            f"{_number(max(totals))}."
        )
    if missing:
        lines.append(f"Missing: {', '.join(missing)}.")
    if late:
        lines.append(f"Late: {', '.join(late)}.")
    if review:
        lines.append(f"To grade by hand (answer cell not found): {', '.join(review)}.")
    lines += ["", f"![score distribution]({FIGURE})", "", "## Per exercise", ""]
    lines += [
        "| exercise | title | points | correct | incorrect | not attempted | other | mean points |",
        "|---|---|---|---|---|---|---|---|",
    ]
    by_exercise: dict[str, list] = defaultdict(list)  # exercise id -> [(student, result)]
    for student, view in sorted(submitted.items()):
        for e in view.result.exercises:
            by_exercise[e.exercise_id].append((student, e))
    for meta in settings.exercises:
        results = [e for _, e in by_exercise.get(meta["id"], [])]
        counts = Counter(e.status for e in results)
        other = len(results) - counts[CORRECT] - counts[INCORRECT] - counts[NOT_ATTEMPTED]
        mean = statistics.fmean(e.earned for e in results) if results else 0.0
        lines.append(
            f"| {meta['id']} | {_cell(meta['title'])} | {_number(meta['points'])} | "
            f"{counts[CORRECT]} | {counts[INCORRECT]} | {counts[NOT_ATTEMPTED]} | {other} | "
            f"{_number(mean)} |"
        )
    lines += ["", "## Recorded wrong answers matched", ""]
    matched = []
    for meta in settings.exercises:
        found = Counter(
            e.wrong_answer for _, e in by_exercise.get(meta["id"], []) if e.wrong_answer is not None
        )
        for index, count in sorted(found.items(), key=lambda item: (-item[1], item[0])):
            students = [s for s, e in by_exercise[meta["id"]] if e.wrong_answer == index]
            messages = meta.get("wrong_answers") or []
            message = messages[index] if index < len(messages) else "(no longer in the spec)"
            matched.append(
                f"| {meta['id']} | {index + 1} | {count} | {_cell(message)} | "
                f"{', '.join(students)} |"
            )
    if matched:
        lines += ["| exercise | wrong answer | students | message | who |", "|---|---|---|---|---|"]
        lines += matched
    else:
        lines.append("No answer matched a recorded wrong answer.")
    lines += ["", "## Identical incorrect answers", ""]
    clusters = 0
    for meta in settings.exercises:
        groups: dict[str, list] = defaultdict(list)
        for student, e in by_exercise.get(meta["id"], []):
            if e.status == INCORRECT and e.answer.strip():
                groups[normalised(e.answer)].append((student, e))
        for code, members in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])):
            if len(members) < 2:
                continue
            clusters += 1
            matched_by = {e.wrong_answer for _, e in members}
            known = (
                f"matches recorded wrong answer {next(iter(matched_by)) + 1}"
                if len(matched_by) == 1 and None not in matched_by
                else "no recorded wrong answer: a candidate for one"
            )
            shown = code.splitlines()
            if len(shown) > MAX_CODE_LINES:
                shown = [*shown[:MAX_CODE_LINES], f"# ... {len(shown) - MAX_CODE_LINES} more lines"]
            lines += [
                f"### {meta['id']}: {len(members)} students ({', '.join(s for s, _ in members)}); "
                f"{known}",
                "",
                "```python",
                *shown,
                "```",
                "",
                f"Reason given: {_cell(members[0][1].reason)}",
                "",
            ]
    if not clusters:
        lines.append("No two incorrect answers were the same.")
    return "\n".join(lines).rstrip("\n") + "\n"


def figure(settings, views: dict) -> bytes:
    """A bar chart of the totals of those who submitted (PNG), drawn with Matplotlib's object
    API: no pyplot, no change to the global backend."""
    from matplotlib.figure import Figure

    totals = [v.total for v in views.values() if v.result is not None]
    missing = sum(v.result is None for v in views.values())
    maximum = settings.maximum
    step = max(1, math.ceil(maximum / 20))
    edges = [-0.5 * step + i * step for i in range(int(maximum // step) + 2)]
    fig = Figure(figsize=(6.4, 3.6), dpi=100)
    axes = fig.subplots()
    axes.hist(totals, bins=edges, color="#4c72b0", edgecolor="white")
    axes.set_xlim(edges[0], edges[-1])
    axes.set_xlabel(f"points (of {_number(maximum)})")
    axes.set_ylabel("students")
    axes.yaxis.get_major_locator().set_params(integer=True)
    title = f"{settings.notebook_id}: scores of {len(totals)} submission(s)"
    axes.set_title(title + (f"; {missing} {MISSING}" if missing else ""))
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def write(folder: Path, settings, views: dict, records: dict) -> None:
    from mlcourse.grading.course import atomic_write

    atomic_write(Path(folder) / SUMMARY, text(settings, views, records))
    atomic_write(Path(folder) / FIGURE, figure(settings, views))
