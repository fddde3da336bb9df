"""Run one grading notebook in a resource-limited kernel: ``python -m mlcourse.grading.sandbox
JOB.json``. The parent gives this worker a hard wall-clock limit; the worker enforces the
per-cell and whole-notebook timeouts, drops every output except error names, and restarts the
kernel without a cell that ended it or ran too long, so later exercises still get graded."""

from __future__ import annotations

import asyncio
import json
import math
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

MAX_ATTEMPTS = 6
MAX_ERROR_CHARS = 300
TIMED_OUT, KILLED_KERNEL, OUT_OF_MEMORY = "timed out", "ended the kernel", "ran out of memory"
NOT_RUN, FAILED, OK = "not run", "failed", "ok"
STOPPED = (TIMED_OUT, KILLED_KERNEL, OUT_OF_MEMORY)  # such a cell is left out of the next run


@dataclass(frozen=True)
class Limits:
    """What one grading run may use: the one definition (the CLI's defaults come from here)."""

    workers: int = field(default=2, metadata={"help": "submissions graded side by side"})
    cell_timeout: float = field(default=60.0, metadata={"help": "seconds per cell"})
    timeout: float = field(default=600.0, metadata={"help": "seconds per notebook"})
    memory_mb: int = field(default=2048, metadata={"help": "memory per kernel, in MB"})

    def for_reference(self) -> Limits:
        """The pristine solved run is trusted: generous limits, one at a time."""
        return Limits(1, max(self.cell_timeout, 120), max(self.timeout, 600), 8192)


@dataclass
class Job:
    notebook: str  # the grading notebook to execute
    cwd: str  # the kernel's working folder (scratch)
    result: str  # where the worker writes its RunResult as JSON
    limits: Limits = Limits()


@dataclass
class RunResult:
    cells: dict  # str(cell index) -> {"status": OK/FAILED/TIMED_OUT/..., "error": "..."}
    restarts: int = 0
    output_bytes: int = 0
    seconds: float = 0.0
    finished: bool = False  # False: the whole-notebook timeout stopped the run


def run_job(job: Job, python: str = sys.executable, grace_s: float = 60) -> RunResult:
    """Run ``job`` in a worker process and return its result, whatever happens to the worker."""
    Path(job.result).unlink(missing_ok=True)
    job_file = Path(job.result).with_suffix(".job.json")
    job_file.write_text(json.dumps(asdict(job)))
    command = [python, "-m", "mlcourse.grading.sandbox", str(job_file)]
    log = Path(job.result).with_suffix(".worker.log")
    started = time.monotonic()
    with open(log, "wb") as stream:
        worker = subprocess.Popen(
            command, stdout=stream, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            worker.wait(timeout=job.limits.timeout + grace_s)
        except subprocess.TimeoutExpired:
            worker.kill()  # its kernel dies with it (PR_SET_PDEATHSIG in mlcourse.grading.kernel)
            worker.wait()
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


def _kernel_manager(memory_mb: int, folder: Path):
    """A kernel manager whose only kernel spec is our launcher (``mlcourse.grading.kernel``),
    so the limits are set before any submitted code runs."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    spec_dir = folder / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", "mlcourse.grading.kernel", "--memory-mb", str(memory_mb)]
    spec = {
        "argv": [*argv, "-f", "{connection_file}"],
        "display_name": "mlcourse grading",
        "language": "python",
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    specs = KernelSpecManager(kernel_dirs=[str(folder / "kernels")], ensure_native_kernel=False)
    return AsyncKernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=specs)


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
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    nb = nbformat.read(job.notebook, as_version=4)
    limits = job.limits
    started = time.monotonic()
    deadline = started + limits.timeout
    result = RunResult(cells={}, finished=True)
    skipped: dict[int, str] = {}
    client_class = _client_class()
    for attempt in range(MAX_ATTEMPTS):
        result.restarts = attempt
        client = client_class(
            nb,
            km=_kernel_manager(limits.memory_mb, Path(job.result).parent),
            allow_errors=True,
            shutdown_kernel="immediate",
            startup_timeout=60,
            kernel_name=KERNEL_NAME,
        )
        restart = False
        async with client.async_setup_kernel(
            cwd=job.cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        ):
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code" or index in skipped:
                    continue
                remaining = deadline - time.monotonic()
                if remaining < 1:
                    result.finished = False
                    result.cells[str(index)] = {"status": NOT_RUN, "error": "notebook timeout"}
                    continue
                client.timeout = math.ceil(min(limits.cell_timeout, remaining))
                client.replies = {}
                try:
                    await client.async_execute_cell(cell, index)
                except CellTimeoutError:
                    if limits.cell_timeout > remaining:
                        result.finished = False
                        result.cells[str(index)] = {"status": NOT_RUN, "error": "notebook timeout"}
                        deadline = 0  # mark the rest not run
                        continue
                    skipped[index] = TIMED_OUT
                    restart = True
                    break
                except DeadKernelError:
                    skipped[index] = KILLED_KERNEL
                    restart = True
                    break
                reply = client.replies.get(index, {})
                if reply.get("ename") == "MemoryError":  # what it holds would starve later cells
                    skipped[index] = OUT_OF_MEMORY
                    restart = True
                    break
                result.cells[str(index)] = (
                    {"status": OK, "error": ""}
                    if reply.get("status") == "ok"
                    else {"status": FAILED, "error": f"{reply.get('ename')}: {reply.get('evalue')}"}
                )
        result.output_bytes += client.output_bytes
        if not restart or time.monotonic() >= deadline:
            break
    for index, why in skipped.items():
        limit = {
            TIMED_OUT: f" (limit {limits.cell_timeout:g} s)",
            OUT_OF_MEMORY: f" (limit {limits.memory_mb} MB)",
        }.get(why, "")
        result.cells[str(index)] = {"status": why, "error": f"the cell {why}{limit}"}
    result.seconds = round(time.monotonic() - started, 3)
    return result


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    fields = json.loads(Path(argv[0]).read_text())
    job = Job(**{**fields, "limits": Limits(**fields["limits"])})
    result = asyncio.run(_execute(job))
    Path(job.result).write_text(json.dumps(asdict(result)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
