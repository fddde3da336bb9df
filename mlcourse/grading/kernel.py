"""Start an IPython kernel under resource limits: ``python -m mlcourse.grading.kernel
--memory-mb M -f CONNECTION_FILE``. The limits are set before any submitted code exists, with
equal soft and hard values, so the code cannot raise them again."""

from __future__ import annotations

import argparse
import os
import sys

from mlcourse import ONE_THREAD

FILE_LIMIT_MB = 64
ADDRESS_SPACE_HEADROOM_MB = 2048


def _limit(memory_mb: int) -> None:
    import resource

    # RLIMIT_DATA bounds what code allocates (heap and anonymous maps: NumPy arrays, lists).
    # RLIMIT_AS, a backstop, must leave room for the ~1.3 GB of libraries and thread stacks a
    # kernel maps without using them.
    memory = memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
    address_space = memory + ADDRESS_SPACE_HEADROOM_MB * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_LIMIT_MB * 2**20, FILE_LIMIT_MB * 2**20))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if sys.platform.startswith("linux"):  # die with the worker, even if it is killed
        import ctypes
        import signal

        pr_set_pdeathsig = 1
        ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGKILL)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--memory-mb", type=int, required=True)
    args, kernel_args = parser.parse_known_args(argv)
    os.environ.update(ONE_THREAD)  # one core per submission; workers run side by side
    os.environ["MPLBACKEND"] = "agg"
    os.environ["MLCOURSE_STRICT"] = "1"  # mlcourse.session.STRICT: a failed check always raises
    _limit(args.memory_mb)
    from ipykernel import kernelapp

    sys.argv = [sys.argv[0], *kernel_args]
    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
