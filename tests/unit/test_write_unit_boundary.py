"""A record near a KB boundary does not cross it: DynamoDB bills every later delivery for
the resource by the larger of the stored and the new item, per started KB."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devkit.events import task_event
from devkit.tables import TASK_INDEXES
from ecs_events import state
from ecs_events.events import parse_event
from ecs_events.state import WRITE_UNIT_BYTES, item_size, keep_within_write_units, task_record

OPTIONAL = state._TASK_FIELDS_KEPT_IF_THEY_FIT


def units(record: dict) -> int:
    return math.ceil(item_size(record) / WRITE_UNIT_BYTES)


def records(chars: int, monkeypatch: pytest.MonkeyPatch) -> tuple[dict, dict]:
    """The record of a stopped task whose stop reason has `chars` characters, as it would
    be with every field, and as it is stored."""
    event = parse_event(task_event(6, "STOPPED", exit_code=1, stopped_reason="r" * chars))
    with monkeypatch.context() as patch:
        patch.setattr(state, "_TASK_FIELDS_KEPT_IF_THEY_FIT", ())
        full = task_record(event, retention_days=30)
    return full, task_record(event, retention_days=30)


def test_a_record_just_over_one_kb_gives_up_its_least_useful_fields(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    full, record = records(330, monkeypatch)
    assert WRITE_UNIT_BYTES < item_size(full) <= WRITE_UNIT_BYTES + 40
    assert item_size(record) <= WRITE_UNIT_BYTES
    assert record["trimmed"] is True
    assert set(full) - set(record) == {"eventTime"}  # the first in line was enough


def test_a_record_that_cannot_reach_the_boundary_keeps_everything(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    full, record = records(600, monkeypatch)
    assert units(full) == 2
    assert record == full


@pytest.mark.parametrize("chars", range(0, 1400, 9))
def test_no_record_pays_a_write_unit_its_optional_fields_could_save(
    chars: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    full, record = records(chars, monkeypatch)
    shed = set(full) - set(record)
    assert shed <= set(OPTIONAL)
    if not shed:
        assert record == full
        without_all = {k: v for k, v in full.items() if k not in OPTIONAL}
        without_all["trimmed"] = True
        assert units(without_all) == units(full), "a write unit was there to save"
        return
    assert units(record) == units(full) - 1
    assert record["trimmed"] is True
    # Shed in order: every field kept from the list comes after every field shed.
    order = [name for name in OPTIONAL if name in full]
    assert order[: len(shed)] == [name for name in order if name in shed]
    # Nothing a query index keys on or projects is ever shed.
    for _, hash_key, range_key, projected in TASK_INDEXES:
        for name in (hash_key, range_key, *projected):
            assert record.get(name) == full.get(name)


def test_a_record_under_one_kb_is_left_alone() -> None:
    record = {"taskArn": "arn", "version": 1, "eventTime": 1}
    assert keep_within_write_units(record, OPTIONAL) is record


def test_a_two_kb_record_is_held_under_two_kb_the_same_way() -> None:
    record = {"taskArn": "a", "version": 1, "stoppedReason": "r" * 2010, "eventTime": 1795144509000}
    assert units(record) == 3
    kept = keep_within_write_units(record, OPTIONAL)
    assert units(kept) == 2 and "eventTime" not in kept and kept["trimmed"] is True


# Not "trimmed": the record builder owns that flag, and a generated list under that name
# would shrink when the check below sets it to True, a saving no shedding could make.
_NAMES = st.sampled_from([*OPTIONAL, "stoppedReason", "group", "image"])
_VALUES = st.one_of(
    st.text(max_size=1500), st.integers(0, 10**20), st.booleans(), st.lists(st.text(), max_size=5)
)


@settings(max_examples=400, deadline=None)
@given(fields=st.dictionaries(_NAMES, _VALUES, max_size=10), key=st.text(min_size=1, max_size=80))
def test_any_record_loses_only_a_prefix_of_its_optional_fields_and_only_to_save_a_unit(
    fields: dict, key: str
) -> None:
    record = {"taskArn": key, "version": 1, **fields}
    kept = keep_within_write_units(record, OPTIONAL)
    if kept is record:
        without_all = {k: v for k, v in record.items() if k not in OPTIONAL} | {"trimmed": True}
        assert units(without_all) >= units(record) or units(record) == 1
        return
    shed = [name for name in OPTIONAL if name in record and name not in kept]
    assert shed == [name for name in OPTIONAL if name in record][: len(shed)]
    assert set(record) - set(kept) == set(shed)
    assert units(kept) == units(record) - 1 and kept["trimmed"] is True
