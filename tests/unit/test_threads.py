"""devkit.threads.run_concurrently: a worker's error or a worker still running is never
passed over."""

import threading

import pytest

from devkit.threads import run_concurrently


def test_every_worker_runs_with_its_arguments() -> None:
    seen: list[int] = []
    run_concurrently(seen.append, [(1,), (2,), (3,)], timeout=5)
    assert sorted(seen) == [1, 2, 3]


def test_a_workers_error_is_raised_in_the_caller() -> None:
    def fail(n: int) -> None:
        raise ValueError(f"worker {n}")

    with pytest.raises(ValueError, match="worker 2"):
        run_concurrently(fail, [(2,)], timeout=5)


def test_a_worker_still_running_after_the_timeout_is_reported() -> None:
    release = threading.Event()
    try:
        with pytest.raises(RuntimeError, match="1 of 2 workers still running"):
            run_concurrently(
                lambda hold: release.wait(10) if hold else None, [(True,), (False,)], timeout=0.1
            )
    finally:
        release.set()
