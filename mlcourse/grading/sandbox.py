"""Run one grading notebook in a resource-limited kernel: ``python -m mlcourse.grading.sandbox
JOB.json``. The parent gives this worker a hard wall-clock limit; the worker enforces the
per-cell and whole-notebook timeouts and the submission's time budget, drops every output except
error names, and restarts the kernel without a cell that ended it or ran too long, so later
exercises still get graded. With a ``view`` the kernel starts inside bubblewrap
(``mlcourse.grading.confine``); this worker, which runs no submitted code, stays outside.

Every worker runs in its own process group and is registered here, so ``stop_all`` (the grader's
SIGINT/SIGTERM handler) kills them all at once; a kernel dies with its worker (bubblewrap's
``--die-with-parent``, or ``PR_SET_PDEATHSIG`` in ``mlcourse.grading.kernel``), and a worker
dies with the grader (``PR_SET_PDEATHSIG``, set in ``main``)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

MAX_ATTEMPTS = 6
MAX_ERROR_CHARS = 300
BUDGET_FACTOR, BUDGET_MARGIN_S = 3.0, 30.0  # a submission's time budget from the reference run
TIMED_OUT, KILLED_KERNEL, OUT_OF_MEMORY = "timed out", "ended the kernel", "ran out of memory"
NOT_RUN, FAILED, OK = "not run", "failed", "ok"
NOTEBOOK_TIMEOUT, BUDGET_SPENT, STOPPED_BY_SIGNAL = (
    "notebook timeout",
    "time budget exhausted",
    "grading was stopped",
)
STOPPED = (TIMED_OUT, KILLED_KERNEL, OUT_OF_MEMORY)  # such a cell is left out of the next run


@dataclass(frozen=True)
class Limits:
    """What one grading run may use: the one definition (the CLI's defaults come from here)."""

    workers: int = field(default=2, metadata={"help": "submissions graded side by side"})
    cell_timeout: float = field(default=60.0, metadata={"help": "seconds per cell"})
    timeout: float = field(default=600.0, metadata={"help": "seconds per notebook"})
    memory_mb: int = field(default=2048, metadata={"help": "memory per kernel, in MB"})
    budget: float = field(
        default=0.0,
        metadata={
            "help": "seconds per submission, all its notebooks and restarts together; 0: "
            f"{BUDGET_FACTOR:g} x the reference run + one cell timeout + {BUDGET_MARGIN_S:g} s"
        },
    )

    def for_reference(self) -> Limits:
        """The pristine solved run is trusted: generous limits, one at a time."""
        return Limits(1, max(self.cell_timeout, 120), max(self.timeout, 600), 8192)

    def submission_budget(self, reference_seconds: list[float]) -> float:
        """Seconds one submission may take: ``budget``, else from the reference runs' times,
        with room for one cell that runs into its timeout (and the restart that follows)."""
        if self.budget > 0:
            return float(self.budget)
        seconds = sum(BUDGET_FACTOR * s + BUDGET_MARGIN_S for s in reference_seconds)
        return float(math.ceil(seconds + self.cell_timeout))


@dataclass
class Job:
    notebook: str  # the grading notebook to execute
    cwd: str  # the kernel's working folder (scratch), on the host
    result: str  # where the worker writes its RunResult as JSON
    limits: Limits = Limits()
    view: dict | None = None  # mlcourse.grading.confine.View: what the kernel sees
    bwrap: str | None = None  # with a confined view: the bubblewrap to start the kernel in
    budget: float | None = None  # seconds left of the submission's time budget

    def seconds(self) -> float:
        """How long the notebook may run: its timeout, or less if the budget ends first."""
        return min(self.limits.timeout, math.inf if self.budget is None else self.budget)


@dataclass
class RunResult:
    cells: dict  # str(cell index) -> {"status": OK/FAILED/TIMED_OUT/..., "error": "..."}
    restarts: int = 0
    output_bytes: int = 0
    seconds: float = 0.0
    finished: bool = False  # False: a time limit (or a stop) ended the run early
    stopped: str = ""  # why not finished: NOTEBOOK_TIMEOUT, BUDGET_SPENT or STOPPED_BY_SIGNAL


# --- the workers of this process ------------------------------------------------------------

_workers: set[subprocess.Popen] = set()
_workers_lock = threading.Lock()
STOP = threading.Event()  # set by stop_all: no new worker starts


def stop_all() -> None:
    """Kill every running worker's process group (their kernels die with them); start no more.
    Safe to call from a signal handler."""
    STOP.set()
    with _workers_lock:  # held only by the pool threads around a Popen, never by a handler
        workers = list(_workers)
    for worker in workers:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(worker.pid, signal.SIGKILL)


def run_job(job: Job, python: str = sys.executable, grace_s: float = 60) -> RunResult:
    """Run ``job`` in a worker process and return its result, whatever happens to the worker."""
    if STOP.is_set():
        return RunResult(cells={}, stopped=STOPPED_BY_SIGNAL)
    Path(job.result).unlink(missing_ok=True)
    job_file = Path(job.result).with_suffix(".job.json")
    job_file.write_text(json.dumps(asdict(job)))
    command = [python, "-m", "mlcourse.grading.sandbox", str(job_file)]
    log = Path(job.result).with_suffix(".worker.log")
    started = time.monotonic()
    with open(log, "wb") as stream:
        with _workers_lock:
            if STOP.is_set():
                return RunResult(cells={}, stopped=STOPPED_BY_SIGNAL)
            worker = subprocess.Popen(
                [*command, str(os.getpid())],
                stdout=stream,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            _workers.add(worker)
        try:
            worker.wait(timeout=job.seconds() + grace_s)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(worker.pid, signal.SIGKILL)  # its kernel dies with it
            worker.wait()
        finally:
            with _workers_lock:
                _workers.discard(worker)
    if STOP.is_set():
        return RunResult(cells={}, seconds=time.monotonic() - started, stopped=STOPPED_BY_SIGNAL)
    try:
        data = json.loads(Path(job.result).read_text())
        return RunResult(**data)
    except (OSError, ValueError, TypeError):
        tail = log.read_text(errors="replace")[-MAX_ERROR_CHARS:] if log.exists() else ""
        return RunResult(
            cells={"worker": {"status": FAILED, "error": f"the grading worker failed: {tail}"}},
            seconds=time.monotonic() - started,
        )


KERNEL_NAME = "mlcourse-grading"


def _kernel_manager(job: Job, folder: Path, kernel_dir: Path | None):
    """A kernel manager whose only kernel spec is our launcher (``mlcourse.grading.kernel``),
    so the limits are set before any submitted code runs; with a confined view, the launcher
    runs inside bubblewrap and talks over Unix sockets in ``kernel_dir``."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    from mlcourse.grading import confine

    spec_dir = folder / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", "mlcourse.grading.kernel", "--memory-mb"]
    argv += [str(job.limits.memory_mb), "-f", "{connection_file}"]
    view = confine.View(**job.view) if job.view else None
    spec = {"display_name": "mlcourse grading", "language": "python", "argv": argv}
    if view is not None and view.confined:
        spec["argv"] = confine.command(job.bwrap, view, kernel_dir, argv)
    elif view is not None:  # --no-sandbox: the released copy still replaces the course
        spec["env"] = view.environment()
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    specs = KernelSpecManager(kernel_dirs=[str(folder / "kernels")], ensure_native_kernel=False)
    manager = AsyncKernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=specs)
    if kernel_dir is not None:  # TCP on loopback cannot cross the sandbox's network namespace
        manager.transport = "ipc"
        manager.ip = str(kernel_dir / "k")
        manager.connection_file = str(kernel_dir / "kernel.json")
    else:  # in the run's folder, not a temporary file a killed worker would leave behind
        manager.connection_file = str(folder / "kernels" / "connection.json")
    return manager


def _client_class():
    from nbclient import NotebookClient

    class QuietClient(NotebookClient):
        """Keeps only error names and messages: a flood of output costs no memory."""

        output_bytes = 0
        replies: dict

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.on_cell_executed = self._keep_reply  # nbclient's public hook

        def _keep_reply(self, cell, cell_index, execute_reply):
            content = (execute_reply or {}).get("content", {})
            self.replies[cell_index] = {
                "status": str(content.get("status", "")),
                "ename": str(content.get("ename", ""))[:80],
                "evalue": str(content.get("evalue", ""))[:MAX_ERROR_CHARS],
            }

        def output(self, outs, msg, display_id, cell_index):
            content = msg.get("content", {})
            self.output_bytes += sum(len(str(v)) for v in content.values())
            return None

    return QuietClient


async def _execute(job: Job) -> RunResult:
    import nbformat

    nb = nbformat.read(job.notebook, as_version=4)
    limits = job.limits
    started = time.monotonic()
    deadline = started + job.seconds()
    why_stopped = BUDGET_SPENT if job.seconds() < limits.timeout else NOTEBOOK_TIMEOUT
    result = RunResult(cells={}, finished=True)
    skipped: dict[int, str] = {}
    client_class = _client_class()
    confined = bool(job.view and job.view.get("confined"))
    for attempt in range(MAX_ATTEMPTS):
        result.restarts = attempt
        kernel_dir = _kernel_folder() if confined else None
        try:
            client = client_class(
                nb,
                km=_kernel_manager(job, Path(job.result).parent, kernel_dir),
                allow_errors=True,
                shutdown_kernel="immediate",
                startup_timeout=60,
                kernel_name=KERNEL_NAME,
            )
            restart, deadline = await _run_cells(client, nb, job, deadline, skipped, result)
        finally:
            if kernel_dir is not None:
                shutil.rmtree(kernel_dir, ignore_errors=True)
        result.output_bytes += client.output_bytes
        if not restart or time.monotonic() >= deadline:
            break
    if not result.finished:
        result.stopped = why_stopped
        for cell in result.cells.values():
            if cell["status"] == NOT_RUN:
                cell["error"] = why_stopped
    for index, why in skipped.items():
        limit = {
            TIMED_OUT: f" (limit {limits.cell_timeout:g} s)",
            OUT_OF_MEMORY: f" (limit {limits.memory_mb} MB)",
        }.get(why, "")
        result.cells[str(index)] = {"status": why, "error": f"the cell {why}{limit}"}
    result.seconds = round(time.monotonic() - started, 3)
    return result


def _kernel_folder() -> Path:
    from mlcourse.grading import confine

    return confine.kernel_folder(os.getppid())


async def _run_cells(client, nb, job: Job, deadline: float, skipped: dict, result):
    """Run the notebook's code cells in one kernel: (must it restart without a cell, the
    deadline, 0 once a cell ran into it)."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    limits = job.limits
    async with client.async_setup_kernel(
        cwd=job.cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    ):
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or index in skipped:
                continue
            remaining = deadline - time.monotonic()
            if remaining < 1:
                result.finished = False
                result.cells[str(index)] = {"status": NOT_RUN, "error": NOTEBOOK_TIMEOUT}
                continue
            client.timeout = math.ceil(min(limits.cell_timeout, remaining))
            client.replies = {}
            try:
                await client.async_execute_cell(cell, index)
            except CellTimeoutError:
                if limits.cell_timeout > remaining:
                    result.finished = False
                    result.cells[str(index)] = {"status": NOT_RUN, "error": NOTEBOOK_TIMEOUT}
                    deadline = 0  # mark the rest not run
                    continue
                skipped[index] = TIMED_OUT
                return True, deadline
            except DeadKernelError:
                skipped[index] = KILLED_KERNEL
                return True, deadline
            reply = client.replies.get(index, {})
            if reply.get("ename") == "MemoryError":  # what it holds would starve later cells
                skipped[index] = OUT_OF_MEMORY
                return True, deadline
            result.cells[str(index)] = (
                {"status": OK, "error": ""}
                if reply.get("status") == "ok"
                else {"status": FAILED, "error": f"{reply.get('ename')}: {reply.get('evalue')}"}
            )
    return False, deadline


def _die_with(parent: int) -> None:
    """Be killed when the grading process that started this worker dies, however it dies."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent:  # it died before the line above
        os._exit(1)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) > 1:
        _die_with(int(argv[1]))
    fields = json.loads(Path(argv[0]).read_text())
    job = Job(**{**fields, "limits": Limits(**fields["limits"])})
    result = asyncio.run(_execute(job))
    Path(job.result).write_text(json.dumps(asdict(result)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
