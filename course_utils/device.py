"""Where the computation runs: the device (CPU, CUDA, MPS) and the number of CPU threads."""

from __future__ import annotations

import torch
from threadpoolctl import threadpool_limits

from course_utils.config import THREADS_ENV, device_name, thread_count


def set_threads(threads: int | None = None) -> int:
    """Set the CPU thread count of PyTorch and of NumPy's BLAS; return PyTorch's count.

    Floating-point reductions add up in a different order with a different number
    of threads, so the printed numbers repeat exactly only with the same count.
    The lecture's stored outputs were made with 2 threads (``COURSE_THREADS``'s default).
    The BLAS behind NumPy, SciPy and scikit-learn gets the same count: left at one
    thread per core, its threads busy-wait for each other when another program
    (a second test kernel, say) holds a core, and a 5-second fit takes 30.

    Parameters
    ----------
    threads : int, optional
        Thread count; default ``$COURSE_THREADS`` (2 if unset). 0 keeps PyTorch's own choice.

    Returns
    -------
    threads : int
        ``torch.get_num_threads()`` afterwards.
    """
    threads = thread_count() if threads is None else threads
    if threads < 0:
        raise ValueError(f"threads must be >= 0, got {threads} (see {THREADS_ENV})")
    if threads:
        torch.set_num_threads(threads)
        import scipy.linalg  # noqa: F401  (loads SciPy's own BLAS, so the limit covers it too)

        threadpool_limits(limits=threads, user_api="blas")
    return torch.get_num_threads()


def get_device(prefer: str | None = None) -> torch.device:
    """Pick the best available device: CUDA, then Apple MPS, then CPU.

    Parameters
    ----------
    prefer : str, optional
        Force a device (``"cpu"``, ``"cuda"``, ``"mps"``). Defaults to
        ``$COURSE_DEVICE`` if set, else automatic selection.

    Returns
    -------
    device : torch.device

    Raises
    ------
    ValueError
        If the requested device is unknown or not available on this machine.
    """
    prefer = prefer or device_name()
    if prefer is None:
        if torch.cuda.is_available():
            return torch.device("cuda")
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    name = prefer.lower()
    available = {
        "cpu": True,
        "cuda": torch.cuda.is_available(),
        "mps": bool(getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()),
    }
    if name not in available:
        raise ValueError(f"unknown device {prefer!r}; choose one of {sorted(available)}.")
    if not available[name]:
        raise ValueError(f"device {prefer!r} is not available on this machine; use 'cpu'.")
    return torch.device(name)
