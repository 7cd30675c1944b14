"""Running workers side by side, for the concurrency tests and the benchmark's concurrent
replay: one place that starts the threads, waits for them and surfaces what went wrong."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any


def run_concurrently(
    worker: Callable[..., None], arguments: Sequence[tuple[Any, ...]], timeout: float
) -> None:
    """Run `worker(*args)` in a thread for each entry of `arguments` and wait for all.
    Raises the first exception a worker raised, or a RuntimeError if one is still running
    `timeout` seconds after it was waited for (its result would be missing)."""
    errors: list[BaseException] = []

    def guarded(*args: Any) -> None:
        try:
            worker(*args)
        except BaseException as error:  # raised in the caller's thread below
            errors.append(error)

    threads = [threading.Thread(target=guarded, args=args) for args in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    if errors:
        raise errors[0]
    running = sum(thread.is_alive() for thread in threads)
    if running:
        raise RuntimeError(f"{running} of {len(threads)} workers still running after {timeout}s")
