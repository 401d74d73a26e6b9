"""Fixtures shared by the integration tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.fake_zalo import FakeZalo


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeZalo]:
    """A local server speaking the Zalo OA / Mini App protocol (the Zalo cloud cannot exist here);
    one per test module."""
    server = FakeZalo().start()
    yield server
    server.stop()
