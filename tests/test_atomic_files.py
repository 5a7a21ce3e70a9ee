"""Files that caches, the taxonomy and indexes are written with: complete or untouched, never half-written."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from core.atomic_files import atomic_write, write_bytes_atomic


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "cache" / "vectors.npy"
    write_bytes_atomic(target, b"old version")
    with pytest.raises(RuntimeError, match="disk full"), atomic_write(target) as fh:
        fh.write(b"half of the new")
        raise RuntimeError("disk full")
    assert target.read_bytes() == b"old version"
    assert sorted(p.name for p in target.parent.iterdir()) == ["vectors.npy"]


def test_concurrent_writers_leave_one_complete_version(tmp_path: Path) -> None:
    target = tmp_path / "taxonomy.json.gz"
    versions = [bytes([i]) * 200_000 for i in range(8)]
    barrier = threading.Barrier(len(versions))
    errors: list[BaseException] = []

    def write(data: bytes) -> None:
        barrier.wait()
        try:
            with atomic_write(target) as fh:
                for start in range(0, len(data), 10_000):  # in pieces, so that the writers interleave
                    fh.write(data[start:start + 10_000])
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(v,)) for v in versions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert target.read_bytes() in versions
    assert [p.name for p in tmp_path.iterdir()] == ["taxonomy.json.gz"]
