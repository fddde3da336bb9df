"""Every exercise of the course is gradable by `mlcourse grade`: a submission holding every
reference solution scores every exercise, in the sandbox, module by module.

The suite's own runs prove each check right in a notebook kernel, and its probes prove that the
grader's verdict on the same observations has the same words. This proves the rest: that each
notebook runs inside the grading sandbox (read-only course, loopback only, its own /etc, a
memory limit) and that its observations survive the trip out of the kernel.
"""

import pytest

from mlcourse import notebook
from mlcourse.grading.grade import Limits, grade
from mlcourse.outcomes import CORRECT
from mlcourse.registry import load_exercises
from tests.conftest import ROOT, course_notebooks

pytestmark = pytest.mark.slow  # real kernels: run by make test, skipped by -m 'not slow'

FOLDERS = sorted({path.parent for path in course_notebooks()})
# A notebook runs in 4-60 s on 2 cores; a graded submission may take 3 x its reference run.
LIMITS = Limits(workers=2, cell_timeout=120, timeout=300, memory_mb=2048)


@pytest.mark.parametrize("folder", FOLDERS, ids=[str(f.relative_to(ROOT)) for f in FOLDERS])
def test_every_reference_solution_scores_full_marks_when_graded(folder, tmp_path):
    paths = sorted(p for p in course_notebooks() if p.parent == folder)
    submission = tmp_path / "submissions" / "solved"
    submission.mkdir(parents=True)
    expected = []
    for path in paths:
        original = notebook.read(path)
        exercises = load_exercises(notebook.notebook_id(path, original))
        answers = {exercise.id: exercise.solution for exercise in exercises}
        notebook.write(notebook.with_answers(original, answers), submission / path.name)
        expected += [exercise.id for exercise in exercises]
    _, results = grade(paths, tmp_path / "submissions", tmp_path / "out", None, LIMITS)
    (result,) = results
    assert not result.unreadable, result.unreadable
    graded = {e.exercise_id: (e.status, e.reason) for e in result.exercises}
    assert sorted(graded) == sorted(expected)
    wrong = {i: outcome for i, outcome in graded.items() if outcome[0] != CORRECT}
    assert not wrong, f"reference solutions not graded correct: {wrong}"
