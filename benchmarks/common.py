"""Shared pieces of the benchmark scripts: paths, notebook runs with CPU time, machine info."""

from __future__ import annotations

import contextlib
import os
import platform
import re
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
OFFLINE_DIR = Path(__file__).resolve().parent / "offline"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from lecture.readme import replace_block  # noqa: E402, F401 - re-exported for the scripts
from lecture.run import execute, find_notebooks  # noqa: E402

ANSI = re.compile(r"\x1b\[[0-9;]*m")
NOTEBOOK_BUDGET_S = 20.0
SERIES_BUDGET_S = 75.0   # the guide: the series <= 75 s on 2 cores
FULL_SERIES_BUDGET_S = 600.0


def notebooks(only: list[str] | None = None) -> list[Path]:
    """The lecture's notebooks ``notebooks/NN_*.ipynb`` in order (optionally filtered by prefix)."""
    return find_notebooks(ROOT / "notebooks", only)


def children_cpu() -> float:
    """User + system CPU seconds of finished child processes (notebook kernels) so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@contextlib.contextmanager
def environ(**values: str | None):
    """Set (or with None: unset) environment variables, restoring them afterwards."""
    def put(settings: dict[str, str | None]) -> None:
        for key, val in settings.items():
            if val is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = val

    old = {key: os.environ.get(key) for key in values}
    try:
        put(values)
        yield
    finally:
        put(old)


def run_notebook(path: Path, results_dir: Path, *, timeout: int = 900) -> dict:
    """Execute ``path`` from a fresh kernel; wall seconds (kernel start included) and kernel CPU.

    Returns a dict with ``seconds``, ``cpu_seconds`` (kernel user+sys, None if the kernel was
    not reaped in time to be counted) and ``error`` (None, or the exception's last line).
    """
    cpu0 = children_cpu()
    start = time.perf_counter()
    error = None
    try:
        _, seconds = execute(path, results_dir, timeout=timeout)
    except Exception as err:  # noqa: BLE001 - reported, not raised
        seconds = time.perf_counter() - start
        text = ANSI.sub("", str(err)).strip().splitlines()
        error = f"{type(err).__name__}: {text[-1] if text else ''}"[:2000]
    cpu = children_cpu() - cpu0
    return {"seconds": seconds, "cpu_seconds": cpu if cpu > 0 else None, "error": error}


def median(values: list[float]) -> float:
    return statistics.median(values)


def machine() -> dict:
    """Facts that tell a reader how comparable the timings are."""
    import torch

    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    return {
        "date_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "load_average_1min": round(load[0], 2),
    }


def busy_warning(info: dict) -> str | None:
    """A warning when other processes compete for the CPU (timings then overstate)."""
    load, cores = info["load_average_1min"], info["cpu_count"] or 1
    if load > 0.5 * cores:
        return (f"warning: load average {load} on {cores} cores before the run; other processes "
                "compete for the CPU, so wall times overstate an idle machine's "
                "(CPU seconds are a better guide).")
    return None


def offline_env(extra_path: str | None = None) -> str:
    """A PYTHONPATH value that makes child Pythons (notebook kernels) run without network."""
    parts = [str(OFFLINE_DIR)]
    current = os.environ.get("PYTHONPATH", "") if extra_path is None else extra_path
    if current:
        parts.append(current)
    return os.pathsep.join(parts)
