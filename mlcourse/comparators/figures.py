"""Figures: what a matplotlib Axes shows, as data."""

from __future__ import annotations

from dataclasses import dataclass

from mlcourse import compare
from mlcourse.comparators.base import Comparator

# --- figures ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plot(Comparator):
    """A matplotlib Axes: its lines, scatter points and bars as data, and its labels."""

    rtol: float = 1e-6
    atol: float = 1e-9

    def observe(self, name, value):
        from matplotlib.axes import Axes

        if not isinstance(value, Axes):
            return {"not_axes": compare.type_name(value), "has_axes": hasattr(value, "axes")}
        return compare.plot_data(value)

    def diff(self, name, observed, expected):
        if "not_axes" in observed:
            fix = (
                " Use `fig.axes[0]` or `fig, ax = plt.subplots()` and keep `ax`."
                if observed["has_axes"]
                else ""
            )
            return f"`{name}` should be a matplotlib Axes, got {observed['not_axes']}.{fix}"
        return compare.diff_plot_data(name, observed, expected, self.rtol, self.atol)
