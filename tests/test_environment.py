"""The pip lock, environment.yml and the Makefile agree; the installed environment is CPU-only."""

import re

import pytest
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


def test_the_environment_has_no_cuda_packages():
    """The default install is CPU-only (make install TORCH=cpu): torch without nvidia-* wheels."""
    import importlib.metadata

    from mlcourse.install import cuda_packages

    torch = importlib.metadata.version("torch")
    assert not cuda_packages(), (
        f"CUDA packages are installed with torch {torch}: {cuda_packages()[:5]}. "
        "Reinstall with `make install TORCH=cpu` (torch from PyTorch's CPU index)."
    )


def test_install_passes_pips_configuration_to_uv():
    from mlcourse.install import pip_setting, uv_options

    settings = {
        "global.find-links": "/srv/wheels",
        "global.extra-index-url": "file:///srv/a/simple file:///srv/b/simple",
        ":env:.find-links": "/env/wheels",
        "global.constraint": "/etc/pip-constraints.txt",
        "global.cert": "/etc/ca.pem",
        ":env:.default-timeout": "180",
    }
    assert pip_setting(settings, "find-links") == "/env/wheels"  # PIP_FIND_LINKS wins, as in pip
    options, env = uv_options(settings)
    assert options == [
        "--index", "file:///srv/a/simple",
        "--index", "file:///srv/b/simple",
        "--index-strategy", "unsafe-best-match",
        "--find-links", "/env/wheels",
        "--constraints", "/etc/pip-constraints.txt",
    ]  # fmt: skip
    assert env == {"SSL_CERT_FILE": "/etc/ca.pem", "UV_HTTP_TIMEOUT": "180"}
    assert uv_options({}) == ([], {})


def test_install_refuses_an_unknown_torch_build(capsys):
    from mlcourse.install import main, torch_index

    with pytest.raises(SystemExit):
        main(["--torch", "gpu"])
    assert "TORCH should be cpu, cuda or a PyTorch backend such as cu126, got 'gpu'" in (
        capsys.readouterr().err
    )
    assert torch_index("cpu") == "https://download.pytorch.org/whl/cpu"
    assert torch_index("cuda") is None  # PyPI's build, from the configured sources
