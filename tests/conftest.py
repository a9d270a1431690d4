"""Fixtures shared by the test modules."""

from pathlib import Path

import pytest

from tests import shared
from tests.helpers import TWO_TEAMS_SPEC, run_cli, write_spec

# A local fake AWS per pytest worker (moto_server on loopback) for apply tests.
from tests.moto_server import moto, moto_server  # noqa: F401
from tests.plan import harness


@pytest.fixture(autouse=True)
def render_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own record folder for the CLI's render cache (never the user's ~/.cache)."""
    folder = tmp_path_factory.mktemp("render-cache")
    monkeypatch.setenv("EMR_IAM_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def rendered(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    """TWO_TEAMS_SPEC rendered by the CLI into tmp_path/modules: (spec, output folder)."""
    spec = write_spec(tmp_path, TWO_TEAMS_SPEC)
    out = tmp_path / "modules"
    code, out_text, err = run_cli(capsys, "render", "--spec", str(spec), "--out", str(out))
    assert (code, err) == (0, ""), err
    assert out_text.startswith(f"{out}: ") and "written" in out_text
    return spec, out


@pytest.fixture(scope="session")
def workbench(tmp_path_factory: pytest.TempPathFactory) -> harness.Workbench:
    """The plan cases' roots (tests/plan/harness.py), planned once per session and engine: the first
    xdist worker that needs a root plans it, the others read its plan (tests/test_plans.py,
    tests/test_examples.py and tests/test_partitions.py share them)."""
    return harness.Workbench(tmp_path_factory.mktemp("plans"), harness.discover(), shared.folder(tmp_path_factory), selects=harness.runs_on)
