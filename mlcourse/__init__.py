"""The course toolkit: exercises and their checks, notebook helpers, the test harness."""

from mlcourse.session import start

__all__ = ["start"]
__version__ = "0.1.0"
