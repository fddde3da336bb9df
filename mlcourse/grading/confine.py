"""What a submission's kernel can see: a released copy of the course, in a bubblewrap sandbox.

``prepare`` writes, once per grading run, the *released* copy a kernel needs: the ``mlcourse``
package, each assignment's module folder with its spec passed through
``mlcourse.release.released_spec(expected=False)`` (checks, comparators, hints, messages; no
solution, no wrong-answer code, no expected value), the ``capstone`` package (its guided
notebooks and the modules' pointer cells, ``mlcourse.pointer``, import it) and the hidden-check
files (cases only: their expected values come from the reference run, in the grading process).

``command`` wraps a kernel's command line in ``bwrap`` (bubblewrap): new user, pid, network,
IPC and UTS namespaces (so no network, loopback included), uid and gid 65534 inside, no
capabilities, no further user namespaces, killed with its worker, a new terminal session. Its
file system is a read-only root holding only: the system's ``/usr`` (and the ``/bin``, ``/lib``
links), a few loader files of ``/etc``, the Python environment (``sys.prefix`` and the base
interpreter it links to), the released copy at ``/course`` and the data at ``/course/data``, all
read-only; writable only: an empty scratch folder (``/course/work``, the working folder), the
capture folder of this run, the folder of the kernel's connection file and sockets, and small
``tmpfs`` mounts at ``/tmp`` and the home folder. Not there: the course repository, the other
submissions, the output folder, the grading user's home, the rest of ``/etc``.

A kernel talks to its worker over Unix sockets (ZeroMQ ``ipc``) in that connection folder, which
sits at the same path on both sides: TCP on loopback cannot cross the network namespace.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from mlcourse.layout import (
    CAPSTONE,
    CAPSTONE_NOTEBOOKS,
    MODULES,
    SPEC_SUFFIX,
    course_root,
    is_capstone,
    spec_path,
)

COURSE = "/course"  # the released copy, inside the sandbox (MLCOURSE_ROOT)
SCRATCH = f"{COURSE}/work"  # the only writable folder of the course view: the working folder
CAPTURES = "/grading/captures"
HIDDEN = "/grading/hidden"
HOME = "/home/student"
UID = GID = 65534  # "nobody": no file inside belongs to it
TMP_BYTES = 512 * 2**20  # /tmp (MLflow stores of the capstone live there)
HOME_BYTES = 64 * 2**20
SYSTEM = ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32")
# /etc entries a kernel's libraries read. Each sandbox also gets the /etc/java-* folders found
# when it starts: Debian's Java links its jvm.cfg and java.security there, and without them the
# JVM (Spark) stops at "Error loading java.security".
ETC = (
    "ld.so.cache",
    "ld.so.conf",
    "ld.so.conf.d",
    "localtime",
    "alternatives",
    "fonts",
)
# The sandbox's own names: loopback only (a JVM and some servers look up localhost and the host).
HOSTS = "127.0.0.1 localhost grading\n::1 localhost ip6-localhost\n"
SKIPPED = shutil.ignore_patterns(
    "__pycache__", "*.pyc", ".ipynb_checkpoints", "*.egg-info", f"*{SPEC_SUFFIX}", "*_expected.json"
)
INSTALL = (
    "Install bubblewrap (Debian/Ubuntu: `sudo apt-get install bubblewrap`; Fedora: "
    "`sudo dnf install bubblewrap`; Arch: `sudo pacman -S bubblewrap`), or pass --no-sandbox to "
    "grade without one (every feedback file and the gradebook will say so)."
)


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot start a sandbox on this machine."""


@dataclass(frozen=True)
class View:
    """The host folders of one kernel's view; ``inside`` gives the paths its code sees."""

    course: str  # the released copy
    scratch: str
    captures: str
    hidden: str | None = None
    data: str | None = None
    etc: str | None = None  # the sandbox's /etc/passwd and /etc/group
    confined: bool = True  # False: --no-sandbox, the kernel sees the host paths

    def inside(self) -> View:
        if not self.confined:
            return self
        return View(
            course=COURSE,
            scratch=SCRATCH,
            captures=CAPTURES,
            hidden=HIDDEN if self.hidden else None,
            data=f"{COURSE}/data" if self.data else None,
        )

    def environment(self) -> dict[str, str]:
        """What the kernel's code finds the course by: ``MLCOURSE_ROOT`` and ``import``."""
        course = self.inside().course
        return {"MLCOURSE_ROOT": course, "PYTHONPATH": course}

    def to_dict(self) -> dict:
        return asdict(self)


# --- the released copy ----------------------------------------------------------------------


def _package_only(folder, names):
    """The capstone package without its run state; its notebooks are copied as a module."""
    return SKIPPED(folder, names) | ({"runs", CAPSTONE_NOTEBOOKS} & set(names))


def prepare(assignment_paths: list[Path], hidden_dir: Path | None, folder: Path) -> View:
    """Write the released copy for ``assignment_paths`` under ``folder``; return the view
    template (scratch and captures are set per run with ``for_run``)."""
    from mlcourse.release import released_spec

    root, folder = course_root(), Path(folder)
    course = folder / "course"
    shutil.copytree(Path(__file__).resolve().parents[1], course / "mlcourse", ignore=SKIPPED)
    if (root / CAPSTONE).is_dir():  # capstone notebooks and modules' pointer cells import it
        shutil.copytree(root / CAPSTONE, course / CAPSTONE, ignore=_package_only)
    for path in map(Path, assignment_paths):
        module = path.parent
        if is_capstone(path):
            relative = Path(CAPSTONE, CAPSTONE_NOTEBOOKS)
        else:
            relative = Path(MODULES, module.name)
        target = course / relative
        shutil.copytree(module, target, ignore=SKIPPED, dirs_exist_ok=True)
        spec = spec_path(path)
        (target / spec.name).write_text(released_spec(spec.read_text(), expected=False))
    data = root / "data"
    if data.is_dir():  # MLCOURSE_ROOT/data for --no-sandbox; a sandbox mounts the original
        (course / "data").symlink_to(data.resolve(), target_is_directory=True)
    hidden = None
    if hidden_dir is not None:
        hidden = folder / "hidden"
        hidden.mkdir()
        for source in sorted(Path(hidden_dir).glob("*.py")):  # what load_hidden reads
            shutil.copy(source, hidden / source.name)
    etc = folder / "etc"
    etc.mkdir()
    (etc / "passwd").write_text(f"student:x:{UID}:{GID}:student:{HOME}:/usr/sbin/nologin\n")
    (etc / "group").write_text(f"student:x:{GID}:\n")
    (etc / "hosts").write_text(HOSTS)
    return View(
        course=str(course),
        scratch="",
        captures="",
        hidden=None if hidden is None else str(hidden),
        data=str(data.resolve()) if data.is_dir() else None,
        etc=str(etc),
    )


def for_run(template: View, folder: Path, confined: bool) -> View:
    """The view of one run whose scratch and capture folders are made under ``folder``."""
    scratch, captures = Path(folder) / "scratch", Path(folder) / "captures"
    scratch.mkdir(parents=True, exist_ok=True)
    captures.mkdir(parents=True, exist_ok=True)
    fields = {**template.to_dict(), "scratch": str(scratch), "captures": str(captures)}
    return View(**{**fields, "confined": confined})


# --- bubblewrap -----------------------------------------------------------------------------


def find() -> str | None:
    return shutil.which("bwrap")


@functools.cache
def version(bwrap: str) -> tuple[int, ...]:
    done = subprocess.run([bwrap, "--version"], capture_output=True, text=True, timeout=10)
    found = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", done.stdout)
    return tuple(int(part or 0) for part in found.groups()) if found else (0,)


def require() -> str:
    """The path of a working ``bwrap``; raise ``SandboxUnavailable`` saying how to get one."""
    bwrap = find()
    if bwrap is None:
        raise SandboxUnavailable(
            "grading runs every submission in a bubblewrap sandbox, and `bwrap` is not on PATH. "
            + INSTALL
        )
    with tempfile.TemporaryDirectory(prefix="mlcourse-probe-") as tmp:
        folder = Path(tmp)
        course = folder / "course"
        (course / "work").mkdir(parents=True)
        (folder / "etc").mkdir()
        for name in ("passwd", "group", "hosts"):
            (folder / "etc" / name).write_text("")
        view = View(str(course), "", "", etc=str(folder / "etc"))
        view = for_run(view, folder, confined=True)
        argv = [sys.executable, "-c", f"import os; assert os.getuid() == {UID}"]
        try:
            done = subprocess.run(
                command(bwrap, view, folder, argv),
                capture_output=True,
                text=True,
                timeout=60,
            )
        except (OSError, subprocess.TimeoutExpired) as err:
            raise SandboxUnavailable(
                f"bubblewrap could not start a sandbox: {err}. " + INSTALL
            ) from None
    if done.returncode != 0:
        raise SandboxUnavailable(
            f"bubblewrap ({bwrap}) could not start a sandbox: {done.stderr.strip()[-500:]}. "
            "It needs unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, "
            "or on Ubuntu 24.04 an AppArmor profile for bwrap) or a setuid bwrap. " + INSTALL
        )
    return bwrap


def check_layout(root: Path) -> None:
    """Refuse a course that lies inside the Python environment every kernel sees."""
    for inside, host in environment_paths().items():
        if Path(root).resolve().is_relative_to(host):
            raise SandboxUnavailable(
                f"the course at {root} lies inside the Python environment {inside}, which every "
                "grading kernel sees (read-only): it could read the solutions. Grade with an "
                "environment outside the course folder."
            )


def environment_paths() -> dict[str, str]:
    """The Python environment, mounted read-only: {path inside: path on the host}."""
    mounts: dict[str, str] = {}
    for place in {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}:
        given = Path(os.path.abspath(place))
        real = given.resolve()
        for inside in (real, given):
            if not any(
                inside.is_relative_to(Path("/", name)) for name in SYSTEM
            ) and inside != Path("/"):
                mounts[str(inside)] = str(real)
    return mounts


def _system() -> list[str]:
    args = []
    for name in SYSTEM:
        path = Path("/", name)
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    for name in (*ETC, *sorted(p.name for p in Path("/etc").glob("java-*"))):
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    return args


def command(bwrap: str, view: View, kernel_dir: Path, argv: list[str]) -> list[str]:
    """``argv`` (a kernel's command line) run inside a sandbox showing ``view``."""
    args = [bwrap, "--unshare-all", "--unshare-user", "--uid", str(UID), "--gid", str(GID)]
    if version(bwrap) >= (0, 8):
        args.append("--disable-userns")  # no nested namespace in which to regain privileges
    args += ["--die-with-parent", "--new-session", "--cap-drop", "ALL", "--hostname", "grading"]
    args += _system()
    if view.etc:
        args += ["--ro-bind", str(Path(view.etc) / "passwd"), "/etc/passwd"]
        args += ["--ro-bind", str(Path(view.etc) / "group"), "/etc/group"]
        args += ["--ro-bind", str(Path(view.etc) / "hosts"), "/etc/hosts"]
    args += ["--proc", "/proc", "--dev", "/dev"]
    args += [
        "--size",
        str(TMP_BYTES),
        "--tmpfs",
        "/tmp",
        "--size",
        str(HOME_BYTES),
        "--tmpfs",
        HOME,
    ]
    for inside, host in sorted(environment_paths().items()):
        args += ["--ro-bind", host, inside]
    course = Path(view.course)
    for name in ("mlcourse", "modules", "capstone"):
        if (course / name).is_dir():
            args += ["--ro-bind", str(course / name), f"{COURSE}/{name}"]
    if view.data:
        args += ["--ro-bind", view.data, f"{COURSE}/data"]
    if view.hidden:
        args += ["--ro-bind", view.hidden, HIDDEN]
    args += ["--bind", view.scratch, SCRATCH, "--bind", view.captures, CAPTURES]
    args += ["--bind", str(kernel_dir), str(kernel_dir)]
    args += ["--remount-ro", "/", "--chdir", SCRATCH, "--clearenv"]
    variables = {
        "HOME": HOME,
        "USER": "student",
        "LOGNAME": "student",
        "PATH": os.pathsep.join(
            [str(Path(sys.prefix, "bin")), "/usr/local/bin", "/usr/bin", "/bin"]
        ),
        "LANG": "C.UTF-8",
        "TMPDIR": "/tmp",
        "PYTHONNOUSERSITE": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "JUPYTER_PLATFORM_DIRS": "1",
        "MLFLOW_DISABLE_TELEMETRY": "true",
        "DO_NOT_TRACK": "1",
        **view.environment(),
    }
    for name, value in variables.items():
        args += ["--setenv", name, value]
    return [*args, "--", *argv]


KERNEL_BASE = "/tmp"


def kernel_folder(grader: int) -> Path:
    """A short folder for one kernel's connection file and sockets (a Unix socket path holds
    at most 107 bytes), at the same path inside the sandbox; named after the ``grader``'s pid,
    which removes what a killed worker left (``remove_kernel_folders``)."""
    return Path(tempfile.mkdtemp(prefix=f"mlk-{grader}-", dir=KERNEL_BASE))


def remove_kernel_folders(grader: int) -> None:
    for folder in Path(KERNEL_BASE).glob(f"mlk-{grader}-*"):
        shutil.rmtree(folder, ignore_errors=True)
