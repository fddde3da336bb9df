"""Shared fixtures: the course's notebooks and their specs."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def course_notebooks() -> list[Path]:
    places = [ROOT / "modules", ROOT / "capstone" / "notebooks"]
    return sorted(
        p
        for place in places
        if place.is_dir()
        for p in place.rglob("*.ipynb")
        if ".ipynb_checkpoints" not in p.parts
    )


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT
