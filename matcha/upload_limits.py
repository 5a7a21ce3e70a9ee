"""Bounded work for uploads: per-user limits and a bounded queue, decided before any work starts.

Every document to extract (a CV upload, an ad posted or edited) takes a slot for as long as it waits for and runs
in the extraction pool. A slot is refused:
- with 429 when the user already has ``per_user_in_flight`` documents in the service, or has used up their
  ``per_minute`` uploads (a token bucket holding at most ``burst``);
- with 503 when ``queue_limit`` documents are in the service already (being read or waiting).
Each refusal says after how many seconds a retry can succeed (``Retry-After``), from the time recent documents
took. Thread-safe; nothing waits while holding the lock. A limit of 0 turns that limit off."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from core.settings import Settings


class Refused(Exception):
    """A slot refused: the HTTP status (429 or 503), a machine code, a message and when to retry."""

    def __init__(self, status: int, code: str, message: str, retry_after_s: float) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = max(1, math.ceil(retry_after_s))


@dataclass(frozen=True)
class UploadLimits:
    per_user_in_flight: int = 2
    per_minute: float = 12.0
    burst: int = 4
    queue_limit: int = 8
    workers: int = 1  # documents read at once (the extraction pool's size): for the Retry-After estimate

    @classmethod
    def from_settings(cls, settings: Settings, workers: int = 1) -> "UploadLimits":
        return cls(per_user_in_flight=settings.upload_in_flight_per_user, per_minute=settings.upload_rate_per_minute,
                   burst=settings.upload_burst, queue_limit=settings.upload_queue_limit, workers=workers)


class UploadGate:
    def __init__(self, limits: UploadLimits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self._clock = clock
        self._lock = threading.Lock()
        self._in_flight: dict[str, int] = {}
        self._tokens: dict[str, tuple[float, float]] = {}  # user -> (tokens left, when counted)
        self._total = 0
        self._recent: deque[float] = deque([1.0], maxlen=32)  # seconds recent documents took

    @property
    def in_service(self) -> int:
        """Documents admitted and not finished (waiting for a worker or being read)."""
        with self._lock:
            return self._total

    def _typical_s(self) -> float:
        return sorted(self._recent)[len(self._recent) // 2]

    def _tokens_now(self, user: str, now: float) -> float:
        limits = self.limits
        tokens, then = self._tokens.get(user, (float(limits.burst), now))
        return min(float(limits.burst), tokens + (now - then) * limits.per_minute / 60.0)

    def admit(self, user: str) -> None:
        """Take a slot for ``user`` or raise ``Refused``; give it back with ``release``."""
        limits = self.limits
        with self._lock:
            now = self._clock()
            if limits.per_user_in_flight and self._in_flight.get(user, 0) >= limits.per_user_in_flight:
                raise Refused(429, "too_many_uploads",
                              f"you have {limits.per_user_in_flight} uploads in progress; wait for one to finish",
                              self._typical_s())
            tokens = self._tokens_now(user, now) if limits.per_minute else 1.0
            if tokens < 1.0:
                raise Refused(429, "upload_rate",
                              f"at most {limits.per_minute:g} uploads a minute (bursts of {limits.burst})",
                              (1.0 - tokens) * 60.0 / limits.per_minute)
            if limits.queue_limit and self._total >= limits.queue_limit:
                waves = (self._total - limits.queue_limit + 1) / max(1, limits.workers)
                raise Refused(503, "busy", f"the service is reading {self._total} documents; try again shortly",
                              max(1.0, waves) * self._typical_s())
            if limits.per_minute:
                self._tokens[user] = (tokens - 1.0, now)
            self._in_flight[user] = self._in_flight.get(user, 0) + 1
            self._total += 1

    def release(self, user: str, seconds: float | None = None) -> None:
        with self._lock:
            left = self._in_flight.get(user, 0) - 1
            if left > 0:
                self._in_flight[user] = left
            else:
                self._in_flight.pop(user, None)
            self._total -= 1
            if seconds is not None:
                self._recent.append(seconds)

    @contextmanager
    def slot(self, user: str) -> Iterator[None]:
        """``with gate.slot(user): extract...``: admitted or ``Refused``; the slot is given back however it ends."""
        self.admit(user)
        started = self._clock()
        try:
            yield
        finally:
            self.release(user, self._clock() - started)
