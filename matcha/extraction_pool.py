"""A pool of worker processes that read documents (ads and CVs) in parallel.

Each worker loads the taxonomy, models and label vectors once, when it starts (``_start_worker``), and then reads
one document at a time with a ``DocumentReader``: the same code and the same rows as in the service's own process.
Workers are started with ``spawn`` (never ``fork``: the parent runs threads and model runtimes that must not be
copied mid-flight). The size comes from ``MATCHA_EXTRACT_WORKERS`` (default: one per CPU core).

Callers submit one document and wait for it (``submit`` gives a ``concurrent.futures.Future``, ``extract`` is its
``async`` form), or stream many (``imap``, in input order, a bounded number in flight); ``pending`` says how many
submitted documents are not finished yet (waiting or being read), ``queued`` how many of them wait for a worker."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing as mp
import os
import signal
import threading
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Iterable, Iterator, TypeVar

from core.settings import Settings, get_settings
from extractor.errors import InputError
from matcha.document_reader import DocumentReader, Extracted, ExtractionJob

log = logging.getLogger(__name__)

T = TypeVar("T")

_reader: DocumentReader | None = None  # one per worker process


def _start_worker(settings: Settings, ready) -> None:  # noqa: ANN001 - a multiprocessing semaphore
    """Runs once in each worker: load everything extraction needs, then say so."""
    global _reader
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it shuts the pool down
    from extractor.resources import load_resources

    started = time.perf_counter()
    _reader = DocumentReader(load_resources(settings))
    log.info("extraction worker %d ready in %.1f s", os.getpid(), time.perf_counter() - started)
    ready.release()


def _read(job: ExtractionJob) -> Extracted:
    assert _reader is not None, "the worker was not initialised"
    return _reader.read(job)


class ExtractionPool:
    """Worker processes that extract documents; use as a context manager or call ``close``."""

    def __init__(self, settings: Settings | None = None, workers: int | None = None,
                 start_method: str = "spawn") -> None:
        self.settings = settings or get_settings()
        self.workers = workers or self.settings.extraction_workers
        if self.workers < 1:
            raise ValueError("an extraction pool needs at least one worker")
        # Parallel work comes from the workers: each runs its models on one thread (unless MATCHA_MODEL_THREADS
        # says otherwise). A thread per core in every worker spins for cores that others hold: about 3x the CPU
        # per document on busy cores, measured.
        self._worker_settings = self.settings if self.settings.model_threads else self.settings.model_copy(
            update={"model_threads": 1})
        self._context = mp.get_context(start_method)
        self._ready = self._context.Semaphore(0)
        self._lock = threading.Lock()
        self._pending = 0
        self._closed = False
        self._executor = self._new_executor()

    def _new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers, mp_context=self._context, initializer=_start_worker,
                                   initargs=(self._worker_settings, self._ready))

    # -- one document ---------------------------------------------------------------------------------------
    def submit(self, job: ExtractionJob) -> Future[Extracted]:
        """Queue one document; the future gives its ``Extracted`` or raises its ``InputError``. A pool whose
        worker died (killed, out of memory) is replaced by a fresh one here; the futures it held fail."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the extraction pool is closed")
            try:
                future = self._executor.submit(_read, job)
            except BrokenProcessPool:
                log.warning("extraction pool broken (a worker died): starting new workers")
                self._executor.shutdown(wait=False, cancel_futures=True)
                self._executor = self._new_executor()
                future = self._executor.submit(_read, job)
            self._pending += 1
        future.add_done_callback(self._finished)
        return future

    def _finished(self, _future: Future) -> None:
        with self._lock:
            self._pending -= 1

    async def extract(self, job: ExtractionJob) -> Extracted:
        """``submit`` for asyncio code: awaits the result without blocking the event loop."""
        return await asyncio.wrap_future(self.submit(job))

    @property
    def pending(self) -> int:
        """Documents submitted and not finished (waiting for a worker or being read)."""
        with self._lock:
            return self._pending

    @property
    def queued(self) -> int:
        """Documents waiting for a free worker."""
        return max(0, self.pending - self.workers)

    def worker_pids(self) -> list[int]:
        """Process ids of the workers running now (for monitoring: CPU time, memory)."""
        with self._lock:
            return list(self._executor._processes or {})  # noqa: SLF001 - no public accessor

    # -- many documents -------------------------------------------------------------------------------------
    def imap(self, items: Iterable[tuple[T, ExtractionJob]],
             window: int | None = None) -> Iterator[tuple[T, Extracted | InputError]]:
        """(tag, job) pairs in, (tag, result or InputError) out, in input order, with at most ``window`` (default
        4 per worker) in flight, so a long feed is read lazily. Other errors are raised."""
        window = window or 4 * self.workers
        in_flight: deque[tuple[T, Future[Extracted]]] = deque()
        try:
            for tag, job in items:
                in_flight.append((tag, self.submit(job)))
                if len(in_flight) >= window:
                    yield _outcome(*in_flight.popleft())
            while in_flight:
                yield _outcome(*in_flight.popleft())
        finally:  # stopped early (an error, a closed generator): drop what was not started
            for _, future in in_flight:
                future.cancel()

    # -- life cycle -----------------------------------------------------------------------------------------
    def warm_up(self, timeout: float = 600.0) -> None:
        """Start every worker and wait until each has loaded its resources (else the first documents wait)."""
        probes = [self._executor.submit(os.getpid) for _ in range(self.workers)]  # one process each
        deadline = time.monotonic() + timeout
        for _ in range(self.workers):
            while not self._ready.acquire(timeout=0.5):
                failed = next((p for p in probes if p.done() and p.exception() is not None), None)
                if failed is not None:
                    raise RuntimeError(f"an extraction worker failed to start: {failed.exception()}")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"extraction workers not ready after {timeout:.0f} s")

    def close(self) -> None:
        with self._lock:
            self._closed = True
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> "ExtractionPool":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _outcome(tag: T, future: Future[Extracted]) -> tuple[T, Extracted | InputError]:
    try:
        return tag, future.result()
    except InputError as exc:
        return tag, exc
