"""PNG figures for run artifacts and reports, drawn with matplotlib's object API.

Library code never touches pyplot or `matplotlib.use`: switching the global backend from inside
a notebook (as `matplotlib.use("Agg")` does) silently stops every later `plt.show()` from
drawing. A `Figure` made directly is independent of pyplot and renders itself to PNG.
"""

from __future__ import annotations

import io


def figure(width: float, height: float):
    """A new figure (size in inches), outside pyplot's list of open figures: nothing to close."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="tight")


def png_bytes(fig, dpi: int = 80) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()
