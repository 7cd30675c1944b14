"""Hostile and maximal content in failing tasks: every alert is sent, within SNS's limit,
with no secret, no live chat mention and no raw control character."""

from __future__ import annotations

from .harness import ContentReport, hostile_content_run


def test_hostile_content_is_sent_within_the_limit_and_leaks_nothing() -> None:
    report = hostile_content_run(40)
    assert report == ContentReport(tasks=40, sent=40, largest_bytes=report.largest_bytes)
