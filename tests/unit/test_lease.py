"""Database leases hold one holder at a time, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
import time

import pytest

from core import lease


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_database(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue("database_url" if request.param == "sqlite" else "pg_database_url"))


def test_one_holder_until_released(any_database: str) -> None:
    first, second = lease.new_holder(), lease.new_holder()
    assert first != second
    assert lease.acquire("job", first, 60)
    assert not lease.acquire("job", second, 60)
    assert lease.acquire("other-job", second, 60)  # leases are per name
    assert lease.renew("job", first, 60)
    assert not lease.renew("job", second, 60)
    lease.release("job", second)  # not the holder: no effect
    assert not lease.acquire("job", second, 60)
    lease.release("job", first)
    assert lease.acquire("job", second, 60)


def test_an_expired_lease_can_be_taken(any_database: str) -> None:
    dead, alive = lease.new_holder(), lease.new_holder()
    assert lease.acquire("job", dead, 0.2)
    time.sleep(0.4)
    assert lease.acquire("job", alive, 60)
    assert not lease.renew("job", dead, 60)


def test_racing_holders_get_one_lease(any_database: str) -> None:
    results: list[bool] = []
    barrier = threading.Barrier(8)

    def take() -> None:
        barrier.wait()
        results.append(lease.acquire("race", lease.new_holder(), 60))

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 7 + [True]


def test_the_keeper_renews_and_releases(any_database: str) -> None:
    holder, other = lease.new_holder(), lease.new_holder()
    assert lease.acquire("job", holder, 0.6)
    with lease.LeaseKeeper("job", holder, 0.6):
        time.sleep(1.5)  # past the first expiry: renewed every 0.2 s
        assert not lease.acquire("job", other, 60)
    assert lease.acquire("job", other, 60)
