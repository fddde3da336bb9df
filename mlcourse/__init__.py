"""The course toolkit: exercises and their checks, notebook helpers, the test harness."""

__all__ = ["start"]
__version__ = "0.1.0"


def start(notebook_id: str, seed: int | None = None):
    """Set up a notebook (see ``mlcourse.session.start``); imported lazily so that command-line
    tools such as ``mlcourse progress`` start instantly."""
    from mlcourse.session import start as start_session

    return start_session(notebook_id) if seed is None else start_session(notebook_id, seed)
