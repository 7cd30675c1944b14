"""Times, one way: ECS timestamps in, epoch milliseconds inside, one clock and one duration
format out (alerts, history and the CLI all show the same "4m 05s")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def epoch_millis(timestamp: object) -> int | None:
    """ECS timestamps as epoch milliseconds; None if absent or bad.

    Reads "2022-08-08T05:07:00.61Z", "2026-04-11T00:49:09Z" and the nine fractional digits
    the newer event types send ("...09.123456789Z"): datetime keeps microseconds, and a
    millisecond needs no more.
    """
    if not isinstance(timestamp, str) or not timestamp:
        return None
    try:
        parsed = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    return (parsed - _EPOCH) // timedelta(milliseconds=1)


def format_duration(millis: int | float) -> str:
    """1.5s, 4m 05s, 2h 03m, 3d 04h: precise when short, readable when long."""
    seconds = max(0.0, millis / 1000)
    if seconds < 60:
        return f"{seconds:.1f}s" if seconds < 10 else f"{seconds:.0f}s"
    minutes, second = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes}m {second:02d}s"
    hours, minute = divmod(minutes, 60)
    if hours < 48:
        return f"{hours}h {minute:02d}m"
    days, hour = divmod(hours, 24)
    return f"{days}d {hour:02d}h"


def format_clock(millis: int) -> str:
    """A moment for people: "2026-11-20 03:30:31 UTC"."""
    return datetime.fromtimestamp(millis / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def format_event_time(timestamp: object) -> str:
    """An ECS timestamp for people, as format_clock shows every moment in an alert; a
    timestamp that cannot be read is shown as it came (it still says something), none "-"."""
    millis = epoch_millis(timestamp)
    if millis is not None:
        return format_clock(millis)
    return str(timestamp) if timestamp else "-"


def format_millis(millis: int | None) -> str:
    """A moment for a table, to the millisecond: "2026-11-20 03:30:31.750Z"; "-" for none."""
    if millis is None:
        return "-"
    moment = datetime.fromtimestamp(millis / 1000, UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def format_iso(millis: object) -> str | None:
    """A moment for machines, to the millisecond; None when there is none."""
    if not isinstance(millis, int):
        return None
    return datetime.fromtimestamp(millis / 1000, UTC).isoformat(timespec="milliseconds")
