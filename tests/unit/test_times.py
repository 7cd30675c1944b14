"""One way to show a moment to people in alerts: format_clock, whatever shape it came in."""

from __future__ import annotations

import pytest

from ecs_events.times import format_clock, format_event_time


@pytest.mark.parametrize(
    "timestamp",
    ["2026-11-20T03:30:31Z", "2026-11-20T03:30:31.613Z", "2026-11-20T03:30:31.123456789Z"],
)
def test_an_event_time_reads_like_every_other_moment_of_an_alert(timestamp: str) -> None:
    assert format_event_time(timestamp) == "2026-11-20 03:30:31 UTC"
    assert format_event_time(timestamp) == format_clock(1795145431000)


@pytest.mark.parametrize(
    ("timestamp", "shown"), [("yesterday", "yesterday"), ("", "-"), (None, "-")]
)
def test_an_unreadable_event_time_is_shown_as_it_came(timestamp: object, shown: str) -> None:
    assert format_event_time(timestamp) == shown
