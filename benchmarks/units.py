"""DynamoDB's billing rules, as pure functions, for pricing a stream of writes.

- A write costs one write request unit per started KB of the item; a PutItem that replaces
  an item, and a conditional write whose condition fails, are billed by the larger of the
  stored and the new item (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/
  read-write-operations.html#write-operation-consumption).
- A read costs one read request unit per started 4 KB, half for an eventually consistent
  read; a read that finds nothing still costs the minimum (same page,
  #read-operation-consumption).
- A global secondary index is written only when an applied table write changes it: an item
  that gains the index keys is a put, one that loses them a delete, a key change a delete and
  a put, a change of a projected attribute with the keys unchanged a write; each costs one
  unit per started KB of the index entry (the table key, the index keys and the projected
  attributes). A failed conditional write writes no index
  (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html, "Provisioned
  throughput considerations for global secondary indexes"; on-demand tables are billed in
  the same units).
- Price: on demand, a write request unit costs five times a read request unit
  (https://aws.amazon.com/dynamodb/pricing/on-demand/: $0.625 and $0.125 per million in
  us-east-1), so costs are compared in write-unit equivalents: writes + reads / 5.
- Storage: every item and every index entry is stored at its size plus 100 bytes
  (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/
  CapacityUnitCalculations.html; GSI.html, "Storage considerations for global secondary
  indexes"), at $0.25 per GB-month (https://aws.amazon.com/dynamodb/pricing/, Standard
  table class, beyond the free 25 GB): 400,000 write-unit equivalents per GB-month.
"""

from __future__ import annotations

import math
from typing import Any

from devkit.tables import TASK_INDEXES
from ecs_events.state import TASK_KEY, item_size

READ_UNIT_PRICE_IN_WRITE_UNITS = 1 / 5
STORAGE_OVERHEAD_BYTES = 100
GB_MONTH_IN_WRITE_UNITS = 0.25 / 0.625e-6


def write_units(size: int) -> int:
    return max(1, math.ceil(size / 1024))


def read_units(size: int, consistent: bool = False) -> float:
    units = max(1, math.ceil(size / 4096))
    return float(units) if consistent else units / 2


def cost(write: float, read: float) -> float:
    """Write-unit equivalents: what on-demand DynamoDB charges, in units of one write."""
    return write + read * READ_UNIT_PRICE_IN_WRITE_UNITS


def index_entry(
    item: dict[str, Any] | None, keys: tuple[str, str], projected: tuple[str, ...]
) -> dict[str, Any] | None:
    """The index's copy of an item, or None when the item lacks a key (a sparse index)."""
    if item is None or any(item.get(key) is None for key in keys):
        return None
    names = (TASK_KEY, *keys, *projected)
    return {name: item[name] for name in names if item.get(name) is not None}


def index_write_units(
    before: dict[str, Any] | None,
    after: dict[str, Any],
    indexes: tuple[tuple[str, str, str, tuple[str, ...]], ...] = TASK_INDEXES,
) -> int:
    """Write units the task table's indexes cost for one applied write of `after` over
    `before` (None: the item was new)."""
    total = 0
    for _, hash_key, range_key, projected in indexes:
        keys = (hash_key, range_key)
        old, new = index_entry(before, keys, projected), index_entry(after, keys, projected)
        if old is None and new is None:
            continue
        if old is None or new is None:  # enters or leaves the index
            total += write_units(item_size(new if new is not None else old))  # type: ignore[arg-type]
        elif any(old.get(k) != new.get(k) for k in keys):  # a delete and a put
            total += write_units(item_size(old)) + write_units(item_size(new))
        elif old != new:  # a projected attribute changed
            total += write_units(max(item_size(old), item_size(new)))
    return total


def stored_bytes(
    item: dict[str, Any], indexes: tuple[tuple[str, str, str, tuple[str, ...]], ...] = ()
) -> int:
    """Bytes billed for storing `item` and its entries in `indexes`."""
    total = item_size(item) + STORAGE_OVERHEAD_BYTES
    for _, hash_key, range_key, projected in indexes:
        entry = index_entry(item, (hash_key, range_key), projected)
        if entry is not None:
            total += item_size(entry) + STORAGE_OVERHEAD_BYTES
    return total


def storage_cost_per_month(size: int) -> float:
    """Write-unit equivalents that storing `size` bytes for a month costs."""
    return size / 2**30 * GB_MONTH_IN_WRITE_UNITS
