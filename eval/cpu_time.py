"""CPU seconds used by a set of processes (benchmarks: per-core rates and CPU per request)."""

from __future__ import annotations

from typing import Iterable

import psutil


def cpu_seconds(processes: Iterable[psutil.Process]) -> float:
    """User + system CPU seconds of ``processes``; a process that has gone away counts nothing."""
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except psutil.Error:
            pass
    return total
