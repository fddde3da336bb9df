"""Install the pinned environment into the running Python: ``python -m mlcourse.install``.

What ``make install`` runs, with the virtual environment's Python, from the repository root
(standard library only: nothing else is installed yet).

* **uv when it can be had, pip otherwise.** uv (from PyPI, installed into the environment with
  pip) installs the lock about five times faster than pip. uv does not read pip's configuration,
  so what ``pip config list`` shows (index, extra indexes, find-links, constraints, certificate,
  timeout) is passed to it as options. If uv cannot be installed or fails, pip installs the lock.
* **CPU-only torch by default.** The lock pins ``torch==X``; from PyPI that is the CUDA build on
  Linux (about 4 GB of ``nvidia-*`` libraries). ``--torch cpu`` (the default) takes torch alone
  from PyTorch's CPU index; ``--torch cuda`` takes PyPI's build; ``--torch cu126`` (or another
  PyTorch backend) takes that index. Where the PyTorch index cannot be reached, torch comes
  from the configured sources instead, and the install says whether CUDA libraries came with it.

``requirements.txt`` stays the single lock: nothing here pins a package.
"""

from __future__ import annotations

import argparse
import ast
import importlib.metadata
import os
import re
import shlex
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

UV = "uv==0.13.9"  # a tool that installs the lock, not part of it
PYTORCH_INDEX = "https://download.pytorch.org/whl"
TORCH_CHOICE = ".mlcourse-torch"  # in the environment's folder: the choice of the last install
TORCH_CHOICES = re.compile(r"cpu|cuda|cu\d{2,3}|rocm[\d.]+")
CUDA_PREFIXES = ("nvidia-", "triton")  # what a CUDA build of torch brings


def pip_config(python: str = sys.executable) -> dict[str, str]:
    """pip's settings as ``pip config list`` merges them: ``{"global.find-links": "...", ...}``.

    Settings from ``PIP_*`` variables appear as ``:env:.find-links``."""
    try:
        listing = subprocess.run(
            [python, "-m", "pip", "config", "list"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    settings = {}
    for line in listing.splitlines():
        key, sep, value = line.partition("=")
        if not sep:
            continue
        try:
            settings[key.strip()] = str(ast.literal_eval(value.strip()))
        except (ValueError, SyntaxError):
            settings[key.strip()] = value.strip().strip("'\"")
    return settings


def pip_setting(settings: dict[str, str], name: str) -> str | None:
    """One pip option as pip resolves it: a PIP_* variable, then [install], then [global]."""
    for section in (":env:", "install", "global"):
        if f"{section}.{name}" in settings:
            return settings[f"{section}.{name}"]
    return None


def uv_options(settings: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """uv's options and environment variables for what pip is configured with."""

    def values(name: str) -> list[str]:
        return (pip_setting(settings, name) or "").split()

    options: list[str] = []
    env: dict[str, str] = {}
    if pip_setting(settings, "no-index") in ("1", "true", "yes", "on"):
        options.append("--no-index")
    for url in values("index-url")[:1]:
        options += ["--default-index", url]
    extra = values("extra-index-url")
    for url in extra:
        options += ["--index", url]
    if extra:  # pip takes the best version from all its sources; uv's default is the first index
        options += ["--index-strategy", "unsafe-best-match"]
    for location in values("find-links"):
        options += ["--find-links", location]
    for path in values("constraint"):
        options += ["--constraints", path]
    for host in values("trusted-host"):
        options += ["--allow-insecure-host", host]
    if cert := pip_setting(settings, "cert"):
        env["SSL_CERT_FILE"] = cert
    if timeout := pip_setting(settings, "timeout") or pip_setting(settings, "default-timeout"):
        env["UV_HTTP_TIMEOUT"] = timeout
    if proxy := pip_setting(settings, "proxy"):
        env["HTTPS_PROXY"] = env["HTTP_PROXY"] = proxy
    return options, env


def torch_index(choice: str) -> str | None:
    """The PyTorch index torch comes from, or None for the configured sources (``cuda``)."""
    return None if choice == "cuda" else f"{PYTORCH_INDEX}/{choice}"


def reachable(index: str, cafile: str | None = None, timeout: float = 10) -> bool:
    try:
        context = ssl.create_default_context(cafile=cafile)
        request = urllib.request.urlopen(f"{index}/torch/", timeout=timeout, context=context)
        with request as response:
            return response.status == 200
    except Exception:  # noqa: BLE001 - any failure means: use the configured sources
        return False


def cuda_packages() -> list[str]:
    names = {dist.metadata["Name"] or "" for dist in importlib.metadata.distributions()}
    return sorted(n for n in names if n.lower().startswith(CUDA_PREFIXES))


def installed_torch() -> str | None:
    try:
        return importlib.metadata.version("torch")
    except importlib.metadata.PackageNotFoundError:
        return None


def run(command: list[str], env: dict[str, str] | None = None) -> bool:
    print("+", shlex.join(command), flush=True)
    started = time.monotonic()
    done = subprocess.run(command, env={**os.environ, **(env or {})}).returncode == 0
    print(f"  ({'done' if done else 'failed'} in {time.monotonic() - started:.0f} s)", flush=True)
    return done


def get_uv(python: str) -> str | None:
    """The uv installed in this environment (installing it with pip first), or None."""
    uv = Path(python).with_name("uv.exe" if os.name == "nt" else "uv")
    if uv.exists() or run([python, "-m", "pip", "install", "--quiet", UV]):
        return str(uv) if uv.exists() else None
    return None


def forget_torch(python: str, uv: str | None, choice: str) -> None:
    """Remove an installed torch of the other kind (CUDA vs CPU) so that the choice applies."""
    version = installed_torch()
    cuda = cuda_packages()
    if version is None or not (cuda if choice == "cpu" else "+cpu" in version):
        return
    names = ["torch", *cuda]
    if uv:
        run([uv, "pip", "uninstall", "--python", python, *names])
    else:
        run([python, "-m", "pip", "uninstall", "--yes", *names])


def with_uv(uv: str, python: str, targets: list[str], settings: dict, torch: str | None) -> bool:
    options, env = uv_options(settings)
    if torch:
        options += ["--torch-backend", torch]
    # Bytecode now, once: where PYTHONDONTWRITEBYTECODE is set (as on the course's CI machine)
    # every kernel would otherwise compile what it imports from source (measured: importing torch,
    # scikit-learn, pandas and Matplotlib took 10.2 s of CPU without .pyc files, 3.7 s with them).
    # pip compiles by default.
    options += ["--compile-bytecode"]
    return run([uv, "pip", "install", "--python", python, *options, *targets], env)


def with_pip(python: str, targets: list[str], torch_index: str | None, requirements: str) -> bool:
    run([python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    if torch_index:  # torch alone from the PyTorch index, the other pins from the usual sources
        text = Path(requirements).read_text().split()
        pin = next((p for p in text if p.startswith("torch==")), "torch")
        extra = ["--extra-index-url", torch_index, "--no-deps", pin]
        if not run([python, "-m", "pip", "install", "--quiet", *extra]):
            return False
    return run([python, "-m", "pip", "install", "--quiet", *targets])


def consistent(python: str, uv: str | None) -> bool:
    """Every installed package's requirements are met (``uv pip check`` / ``pip check``)."""
    command = [uv, "pip", "check", "--python", python] if uv else [python, "-m", "pip", "check"]
    return subprocess.run(command, capture_output=True).returncode == 0


def install(
    requirements: str,
    torch: str,
    installer: str,
    project: bool,
    resolve: bool,
    python: str = sys.executable,
) -> int:
    started = time.monotonic()
    settings = pip_config(python)
    index = torch_index(torch)
    if index and not reachable(index, pip_setting(settings, "cert")):
        print(
            f"PyTorch's {torch} index ({index}) cannot be reached: torch comes from the "
            "configured package sources instead.",
            flush=True,
        )
        index = None
    uv = get_uv(python) if installer in ("auto", "uv") else None
    if installer == "uv" and not uv:
        print(f"could not install {UV} with pip; run without INSTALLER=uv to use pip.")
        return 1
    forget_torch(python, uv, torch)
    # The lock pins every package, so it installs without resolving (as its header says); a
    # CUDA torch needs the nvidia-* packages that the CPU lock does not pin, so it resolves.
    no_deps = not resolve and torch == "cpu"
    for deps in (["--no-deps"], []) if no_deps else ([],):
        targets = [*deps, "-r", requirements] + (["-e", "."] if project else [])
        done = bool(uv) and with_uv(uv, python, targets, settings, torch if index else None)
        if uv and not done:
            print("uv could not install the lock; trying pip.", flush=True)
        if not done and not with_pip(python, targets, index, requirements):
            return 1
        if not deps or consistent(python, uv):
            break
        print(f"{requirements} does not pin every requirement: resolving them.", flush=True)
    Path(sys.prefix, TORCH_CHOICE).write_text(torch + "\n")
    cuda = cuda_packages()
    kind = f"with {len(cuda)} CUDA packages" if cuda else "CPU-only"
    print(f"installed in {time.monotonic() - started:.0f} s: torch {installed_torch()}, {kind}.")
    if cuda and torch == "cpu":
        print(
            "note: torch came with CUDA libraries (several GB) although TORCH=cpu: PyTorch's CPU "
            f"index {PYTORCH_INDEX}/cpu was not used. Reach it and run `make install TORCH=cpu`."
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-r", "--requirements", default="requirements.txt")
    parser.add_argument(
        "--torch",
        default=os.environ.get("TORCH") or None,
        help="cpu (default; or the last install's choice), cuda (PyPI's build) or a PyTorch "
        "backend such as cu126",
    )
    parser.add_argument(
        "--installer",
        choices=["auto", "uv", "pip"],
        default=os.environ.get("INSTALLER") or "auto",
        help="auto: uv, falling back to pip",
    )
    parser.add_argument("--no-project", action="store_true", help="skip `-e .` (the toolkit)")
    parser.add_argument(
        "--resolve", action="store_true", help="resolve dependencies (for requirements.in)"
    )
    args = parser.parse_args(argv)
    previous = Path(sys.prefix, TORCH_CHOICE)
    torch = args.torch or (previous.read_text().strip() if previous.exists() else "cpu")
    if not TORCH_CHOICES.fullmatch(torch):
        parser.error(
            f"TORCH should be cpu, cuda or a PyTorch backend such as cu126, got {torch!r}."
        )
    if sys.prefix == sys.base_prefix:
        parser.error("run this with a virtual environment's Python (make install does).")
    return install(args.requirements, torch, args.installer, not args.no_project, args.resolve)


if __name__ == "__main__":
    raise SystemExit(main())
