"""The course toolkit: exercises and their checks, notebook helpers, the test harness."""

__all__ = ["ONE_THREAD", "start"]
__version__ = "0.1.0"

# Numerical libraries start a thread per core in every kernel; where kernels run side by side
# (the suite's workers, grading workers) that oversubscribes the cores: one thread each. Set
# before NumPy loads, so it lives here, where importing it loads nothing.
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def start(notebook_id: str, seed: int | None = None):
    """Set up a notebook (see ``mlcourse.session.start``); imported lazily so that command-line
    tools such as ``mlcourse progress`` start instantly."""
    from mlcourse.session import start as start_session

    return start_session(notebook_id) if seed is None else start_session(notebook_id, seed)
