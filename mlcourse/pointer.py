"""Lesson cells that show the capstone doing for real what a module notebook taught small.

In this repository the ``capstone`` package is the reference implementation. In a cohort release
it is the learner's own skeleton (``mlcourse release capstone``), whose functions raise
``NotImplementedError`` until the learner writes them, or it is absent (a module released alone).
A lesson cell must not fail because of that, so it runs inside ``capstone_pointer``::

    with capstone_pointer("capstone.monitor.weighted_drift"):
        from capstone.monitor import weighted_drift
        weighted_drift(...)

Any other error propagates: against the reference the cell must run, and the suite checks it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

PACKAGE = "capstone"


@contextmanager
def capstone_pointer(what: str) -> Iterator[None]:
    """Run the block; print a note instead of failing where the capstone is absent or a stub."""
    try:
        yield
    except ModuleNotFoundError as error:
        if (error.name or "").split(".")[0] != PACKAGE:
            raise
        print(
            f"{what}: the {PACKAGE} package is not part of this copy of the course, so this "
            "cell only names where the capstone does it for real."
        )
    except NotImplementedError as error:
        print(
            f"{what} is yours to write in the capstone ({error}); this cell shows the capstone "
            "at work once you have written it."
        )
