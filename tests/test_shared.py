"""tests/shared.py: a result made once per session, read by the other workers, and a failure kept for all."""

from __future__ import annotations

import fcntl
from pathlib import Path

import pytest

from tests import shared


def test_a_result_is_made_once_and_read_back(tmp_path: Path) -> None:
    calls: list[int] = []

    def make() -> dict[str, object]:
        calls.append(1)
        return {"values": (1, "a")}

    assert shared.once(tmp_path, "plan-x", make) == {"values": (1, "a")}
    assert shared.once(tmp_path, "plan-x", make) == {"values": (1, "a")}  # as another worker reads it
    assert calls == [1]


def test_a_failure_is_kept_and_raised_for_every_asker(tmp_path: Path) -> None:
    calls: list[int] = []

    def make() -> None:
        calls.append(1)
        pytest.fail("the apply failed")

    for _ in range(2):
        with pytest.raises(shared.SharedFailure, match="plan-y could not be made:(.|\n)*the apply failed"):
            shared.once(tmp_path, "plan-y", make)
    assert calls == [1]


def test_without_waiting_a_result_being_made_elsewhere_is_none(tmp_path: Path) -> None:
    with open(tmp_path / "plan-z.lock", "w") as lock:  # another worker holds it
        fcntl.flock(lock, fcntl.LOCK_EX)
        assert shared.once(tmp_path, "plan-z", lambda: 1, wait=False) is None
    assert shared.once(tmp_path, "plan-z", lambda: 2, wait=False) == 2


def test_without_a_shared_folder_the_result_is_made_here() -> None:
    assert shared.once(None, "plan-w", lambda: 3) == 3
