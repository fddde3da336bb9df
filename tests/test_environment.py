"""The pip lock, environment.yml and the Makefile agree."""

import re

import yaml

from mlcourse.environment import pinned_requirements, render
from tests.conftest import ROOT


def test_environment_yml_has_exactly_the_pip_pins():
    committed = (ROOT / "environment.yml").read_text()
    assert committed == render(pinned_requirements()), "run: python -m mlcourse.environment"
    spec = yaml.safe_load(committed)
    pip_section = next(d["pip"] for d in spec["dependencies"] if isinstance(d, dict))
    assert sorted(p for p in pip_section if not p.startswith("-")) == sorted(pinned_requirements())


def test_every_pin_is_exact_and_torch_is_the_cpu_release():
    pins = pinned_requirements()
    assert all(re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[^=\s]+", p) for p in pins), pins
    assert "torch==2.13.0" in pins


def test_every_top_level_requirement_is_locked():
    locked = {p.split("==")[0].lower().replace("_", "-") for p in pinned_requirements()}
    wanted = [
        re.split(r"[=<>\[ ]", line.strip())[0].lower().replace("_", "-")
        for line in (ROOT / "requirements.in").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert not [w for w in wanted if w not in locked]


def test_python_version_of_conda_matches_the_makefile_check():
    assert "python=3.11" in (ROOT / "environment.yml").read_text()
    assert "(3, 11)" in (ROOT / "Makefile").read_text()
