"""A local fake AWS for apply tests: `moto_server` on a free loopback port, one per pytest worker.

Every xdist worker is its own process, so the session-scoped `moto_server` fixture gives each
worker its own server and tests on different workers never see each other's roles. Within a
worker, tests run one at a time; the function-scoped `moto` fixture resets the server first so a
test that failed half-way cannot leave roles behind for the next one.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

LOOPBACK = "127.0.0.1"
# moto's default account: every ARN it returns carries it.
ACCOUNT_ID = "123456789012"
# Generous: moto imports every backend before it answers. Not an assertion on speed, only a guard
# against a server that never comes up.
STARTUP_DEADLINE_SECONDS = 120


class MotoServerError(RuntimeError):
    pass


# moto_server, with AWS managed policies built once per server instead of at every reset (see there).
LAUNCHER = Path(__file__).with_name("moto_launch.py")


def _command() -> list[str]:
    if importlib.util.find_spec("moto.server") is None:
        raise MotoServerError("moto_server is not installed: run `make test-deps` (the test extra has moto[server])")
    return [sys.executable, str(LAUNCHER)]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
        return port


class MotoServer:
    """Starts, resets and stops one `moto_server` process bound to loopback only."""

    def __init__(self, account_id: str | None = None) -> None:
        # moto answers every request for this account instead of its default (MOTO_ACCOUNT_ID).
        self.account_id = account_id or ACCOUNT_ID
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.log = Path(tempfile.mkstemp(prefix="moto-server-", suffix=".log")[1])

    @property
    def endpoint(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self) -> MotoServer:
        # A port found free can be taken before the server binds it: try a few.
        for _ in range(5):
            self.port = _free_port()
            env = {**os.environ, "MOTO_IAM_LOAD_MANAGED_POLICIES": "true"}
            if self.account_id != ACCOUNT_ID:
                env["MOTO_ACCOUNT_ID"] = self.account_id
            with self.log.open("ab") as log:
                self.process = subprocess.Popen(
                    [*_command(), "-H", LOOPBACK, "-p", str(self.port)], env=env, stdout=log, stderr=subprocess.STDOUT
                )
            if self._wait_until_it_answers():
                return self
        raise MotoServerError(f"moto_server did not start on {LOOPBACK}; its log:\n{self.log_tail()}")

    def _wait_until_it_answers(self) -> bool:
        assert self.process is not None
        deadline = time.monotonic() + STARTUP_DEADLINE_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                urllib.request.urlopen(f"{self.endpoint}/moto-api/", timeout=5).close()
                return True
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        self.stop()
        return False

    def reset(self) -> None:
        """Forget every resource (AWS managed policies are loaded again on the next IAM call)."""
        request = urllib.request.Request(f"{self.endpoint}/moto-api/reset", data=b"", method="POST")
        urllib.request.urlopen(request, timeout=30).close()

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def client(self, service: str, region: str = "us-east-1") -> Any:
        """A boto3 client for `service` against this server (the region picks moto's partition)."""
        import boto3

        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=region,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def __enter__(self) -> MotoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
        self.log.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    """This worker's own moto_server, started on first use and stopped at the end of the session."""
    server = MotoServer()
    try:
        server.start()
    except MotoServerError as error:
        pytest.fail(str(error), pytrace=False)
    try:
        yield server
    finally:
        server.stop()
        server.log.unlink(missing_ok=True)


@pytest.fixture
def moto(moto_server: MotoServer) -> MotoServer:
    """The worker's moto_server, emptied before the test."""
    moto_server.reset()
    return moto_server
