"""fit_item makes every record storable, flags what it changed, and never raises."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from devkit.events import TASK_ARN
from ecs_events.state import MAX_INDEX_KEY_BYTES, MAX_ITEM_BYTES, fit_item, item_size


def record(**fields: Any) -> dict[str, Any]:
    return {"taskArn": TASK_ARN, "version": 6, "lastStatus": "STOPPED", **fields}


@settings(max_examples=200, deadline=None)
@given(
    count=st.integers(min_value=0, max_value=400),
    reason_chars=st.integers(min_value=0, max_value=2100),
    padding=st.integers(min_value=0, max_value=60_000),
)
def test_any_mix_of_containers_fits_under_the_cap_without_raising(
    count: int, reason_chars: int, padding: int
) -> None:
    # The padding walks the last dropped container across the cap byte by byte.
    containers = [{"name": f"c{i}", "reason": "€" * reason_chars} for i in range(count)]
    fitted = fit_item(record(stoppedReason="x" * min(padding, 2000), containers=containers))
    assert item_size(fitted) <= MAX_ITEM_BYTES


def test_dropped_containers_are_counted_and_flagged() -> None:
    containers = [{"name": f"c{i}", "reason": "€" * 2000} for i in range(40)]
    fitted = fit_item(record(containers=containers))
    kept = len(fitted["containers"])
    assert fitted["containersOmitted"] == 40 - kept
    assert fitted["trimmed"] is True


def test_eight_thousand_tiny_containers_are_trimmed_in_one_pass() -> None:
    sizes = []
    containers = [{"name": "c", "exitCode": 1} for _ in range(8000)]
    import ecs_events.state as state

    original = state._value_size

    def counting(value: Any) -> int:
        sizes.append(1)
        return original(value)

    state._value_size = counting  # type: ignore[assignment]
    try:
        fitted = fit_item(record(containers=containers))
    finally:
        state._value_size = original  # type: ignore[assignment]
    assert fitted["containersOmitted"] > 0
    # Linear: each container is sized a bounded number of times, not once per drop.
    assert len(sizes) < 8000 * 10


def test_a_lone_surrogate_is_repaired_and_flagged() -> None:
    fitted = fit_item(record(stoppedReason="bad \ud800 text"))
    assert fitted["stoppedReason"] == "bad ? text"
    assert fitted["trimmed"] is True


def test_a_number_beyond_38_digits_is_dropped_with_its_path() -> None:
    fitted = fit_item(
        record(cpu=10**39 + 1, containers=[{"name": "a", "exitCode": Decimal("1e-200")}])
    )
    assert "cpu" not in fitted
    assert fitted["containers"] == [{"name": "a"}]
    assert fitted["droppedFields"] == ["cpu", "containers[0].exitCode"]
    assert fitted["trimmed"] is True


def test_empty_and_over_long_index_keys_are_dropped() -> None:
    fitted = fit_item(record(cluster="", group="g" * (MAX_INDEX_KEY_BYTES + 1)))
    assert "cluster" not in fitted and "group" not in fitted
    assert fitted["droppedFields"] == ["cluster", "group"]


def test_a_record_of_only_huge_texts_drops_the_largest_fields_and_keeps_the_key() -> None:
    texts = {f"text{i}": "€" * 2047 for i in range(40)}
    fitted = fit_item(record(**texts))
    assert item_size(fitted) <= MAX_ITEM_BYTES
    assert fitted["taskArn"] == TASK_ARN and fitted["version"] == 6
    assert fitted["droppedFields"]


def test_a_storable_record_is_returned_unchanged() -> None:
    original = record(cluster="default", containers=[{"name": "a", "exitCode": 0}])
    assert fit_item(original) == original
