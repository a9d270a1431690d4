"""Results made once per pytest session and read by every pytest-xdist worker, through a folder they all see.

The first worker to ask for a result makes it under a file lock and leaves it in the folder; the others wait
for the lock, or with `wait=False` go on with other work, and read it. A result that could not be made is kept
as its traceback: every worker that asks fails with that text, and it is not made again.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

T = TypeVar("T")


def folder(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    """The folder all workers of the session see; None without xdist (one process: nothing to share)."""
    return tmp_path_factory.getbasetemp().parent if os.environ.get("PYTEST_XDIST_WORKER") else None


class SharedFailure(Exception):
    """Making a shared result failed, in this worker or in another one: the message holds its traceback."""


@dataclass(frozen=True)
class _Failed:
    message: str


def once(shared: Path | None, name: str, make: Callable[[], T], *, wait: bool = True) -> T | None:
    """`make()`'s result, made once per session; None only when `wait` is false and another worker is making it.

    `name` names the files in `shared` (no slashes). Without a shared folder, `make()` runs here.
    """
    if shared is None:
        return make()
    # Not with_suffix: names hold dots ("terraform-1.6.6").
    with open(shared / f"{name}.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            return None
        saved = shared / f"{name}.pickle"
        if saved.is_file():
            found: Any = pickle.loads(saved.read_bytes())
        else:
            try:
                found = make()
            except (Exception, pytest.fail.Exception):
                found = _Failed(f"{name} could not be made:\n{traceback.format_exc()}")
            saved.write_bytes(pickle.dumps(found))
    if isinstance(found, _Failed):
        raise SharedFailure(found.message)
    result: T = found
    return result
