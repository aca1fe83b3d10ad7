"""How many worker processes a stage may use: one per core, or ``CSI_WORKERS``."""

from __future__ import annotations

import os


def worker_count(workers: int | None = None) -> int:
    """``workers`` if given, else ``$CSI_WORKERS``, else the number of cores (at least 1)."""
    if workers is None:
        workers = int(os.environ.get("CSI_WORKERS") or 0) or os.cpu_count() or 1
    return max(1, workers)
