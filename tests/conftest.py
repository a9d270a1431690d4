"""Fixtures shared by the test modules."""

from pathlib import Path

import pytest

# A local fake AWS per pytest worker (moto_server on loopback) for apply tests.
from tests.moto_server import moto, moto_server  # noqa: F401


@pytest.fixture(autouse=True)
def render_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own record folder for the CLI's render cache (never the user's ~/.cache)."""
    folder = tmp_path_factory.mktemp("render-cache")
    monkeypatch.setenv("EMR_IAM_CACHE_DIR", str(folder))
    return folder
