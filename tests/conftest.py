"""Fixtures shared by the test modules."""

# A local fake AWS per pytest worker (moto_server on loopback) for apply tests.
from tests.moto_server import moto, moto_server  # noqa: F401
