"""Keep environment.yml (for conda users) equal to the pip lock: ``python -m mlcourse.environment``."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = """\
# conda environment for the course. Generated from requirements.txt by
# `python -m mlcourse.environment`; tests/test_environment.py fails when the two disagree.
# Use: conda env create -f environment.yml && conda activate mlcourse
"""


def pinned_requirements(path: Path = ROOT / "requirements.txt") -> list[str]:
    lines = (line.strip() for line in path.read_text().splitlines())
    return [line for line in lines if line and not line.startswith(("#", "-"))]


def render(pins: list[str], python: str = "3.11") -> str:
    from mlcourse.install import PYTORCH_INDEX

    # PyTorch's CPU wheels (torch==X resolves to X+cpu there): no multi-GB CUDA build on Linux.
    cpu_index = f"      - --extra-index-url {PYTORCH_INDEX}/cpu"
    body = "\n".join(f"      - {pin}" for pin in pins)
    return (
        f"{HEADER}name: mlcourse\nchannels:\n  - conda-forge\ndependencies:\n"
        f"  - python={python}\n  - pip\n  - pip:\n{cpu_index}\n{body}\n      - -e .\n"
    )


def main() -> int:
    target = ROOT / "environment.yml"
    target.write_text(render(pinned_requirements()))
    print(f"wrote {target.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
