"""What the demo prints: numbered steps with timings, indented detail lines."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

# A long step (terraform apply) says it is still alive this often.
HEARTBEAT_SECONDS = 20


class Screen:
    """Numbered steps with timings, and indented detail lines."""

    def __init__(self, steps: int) -> None:
        self.steps = steps
        self.started = time.monotonic()
        self.timings: dict[str, float] = {}

    def say(self, text: str = "") -> None:
        print(text, flush=True)

    def detail(self, text: str) -> None:
        self.say(f"      {text}")

    @contextlib.contextmanager
    def step(self, number: int, title: str, heartbeat: bool = False) -> Iterator[None]:
        self.say(f"[{number}/{self.steps}] {title}")
        began = time.monotonic()
        stop = threading.Event()
        ticker = None
        if heartbeat:
            ticker = threading.Thread(target=self._tick, args=(began, stop), daemon=True)
            ticker.start()
        try:
            yield
        finally:
            stop.set()
            if ticker:
                ticker.join()
            took = time.monotonic() - began
            self.timings[title] = round(took, 1)
        self.detail(f"done in {took:.1f} s")

    def _tick(self, began: float, stop: threading.Event) -> None:
        while not stop.wait(HEARTBEAT_SECONDS):
            self.detail(f"... {time.monotonic() - began:.0f} s")
