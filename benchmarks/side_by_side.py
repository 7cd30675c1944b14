"""This handler against AWS's read-then-write sample, side by side, in one run.

The same recorded streams (benchmarks/stream.py: production-like, the same with a sidecar
container, EC2 bridge mode without and with its container instances' events, hostile) go
through three configurations against the same
DynamoDB API (moto, in process; over HTTP to the project's local emulator for the
concurrent runs):

- `default`: the handler as the module deploys it, task table with its query index;
- `no index`: the handler with `tables.query_indexes = false`;
- `baseline`: the sample's algorithm (benchmarks/baseline.py): GetItem, compare, PutItem.

Units follow DynamoDB's billing rules (benchmarks/units.py), computed from every request
and the item it replaced. A further pass of each stream goes to dynalite, a DynamoDB
emulator that reports ConsumedCapacity by item size (moto reports 1.0 per write whatever the
size), and the table counts the successful requests whose units it reported as computed
here; it reports nothing for refused writes and no index units. Cost is in write-unit
equivalents (a read unit costs a fifth of a write unit on demand).

    .venv/bin/python -m benchmarks.side_by_side [--tasks 50] [--runs 3] [--workers 4]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import random
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer
from botocore.config import Config

from benchmarks.baseline import KEY, KEYS, TABLES, ReadThenWrite
from benchmarks.index_designs import DESIGNS, design_index_units
from benchmarks.stream import final_versions, hostile_stream, production_stream
from benchmarks.units import (
    cost,
    index_write_units,
    read_units,
    storage_cost_per_month,
    stored_bytes,
    write_units,
)
from devkit.tables import (
    CONTAINER_INSTANCE_TABLE,
    TASK_INDEXES,
    TASK_TABLE,
    create_state_tables,
)
from devkit.threads import run_concurrently
from ecs_events.config import Settings
from ecs_events.handler import Processor
from ecs_events.state import item_size

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_TABLE = TABLES["ECS Task State Change"]
CONFIGS = ("default", "no index", "baseline")
_deserializer = TypeDeserializer()


# --- pricing every request by DynamoDB's rules ----------------------------------------------


class Metered:
    """A DynamoDB client that prices each request it passes on: the shadow copy of every
    stored item gives the size a write replaces and a read returns."""

    def __init__(self, client: Any, indexed_tables: set[str]) -> None:
        self.client = client
        self.indexed = indexed_tables
        self.shadow: dict[tuple[str, str], dict[str, Any]] = {}
        self.requests: Counter[str] = Counter()
        self.write = self.index_write = 0
        self.read = 0.0
        # Successful requests whose ConsumedCapacity the emulator reported as computed here.
        self.checked = self.agreed = 0
        # Every applied task-table write (the item replaced, or None, and the new one),
        # to price other index designs on the same writes (benchmarks/index_designs.py).
        self.applied: list[tuple[dict[str, Any] | None, dict[str, Any]]] = []

    def _key(self, table: str, item: dict[str, Any]) -> tuple[str, str]:
        name = next(iter(k for k in item if k in (KEY, "containerInstanceArn")))
        return table, item[name]["S"]

    def put_item(self, **request: Any) -> Any:
        self.requests["PutItem"] += 1
        key = self._key(request["TableName"], request["Item"])
        new = {k: _deserializer.deserialize(v) for k, v in request["Item"].items()}
        old = self.shadow.get(key)
        units = write_units(max(item_size(new), item_size(old) if old else 0))
        self.write += units
        response = self.client.put_item(ReturnConsumedCapacity="TOTAL", **request)
        if request["TableName"] in self.indexed:
            self.index_write += index_write_units(old, new)
        if request["TableName"] == TASK_TABLE:
            self.applied.append((old, new))
        self.shadow[key] = new
        self._check(units, response)
        return response

    def get_item(self, **request: Any) -> Any:
        self.requests["GetItem"] += 1
        stored = self.shadow.get(self._key(request["TableName"], request["Key"]))
        units = read_units(item_size(stored) if stored else 0)
        self.read += units
        response = self.client.get_item(ReturnConsumedCapacity="TOTAL", **request)
        self._check(units, response)
        return response

    def _check(self, units: float, response: dict[str, Any]) -> None:
        self.checked += 1
        self.agreed += response.get("ConsumedCapacity", {}).get("CapacityUnits") == units


def fresh_tables(client: Any, indexes: bool) -> None:
    for table in client.list_tables()["TableNames"]:
        client.delete_table(TableName=table)
    create_state_tables(client, query_indexes=indexes)
    for detail_type, table in TABLES.items():
        client.create_table(
            TableName=table,
            KeySchema=[{"AttributeName": KEYS[detail_type], "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": KEYS[detail_type], "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )


def worker_for(config: str, client: Any) -> Callable[[dict[str, Any]], Any]:
    if config == "baseline":
        return ReadThenWrite(client).process_event
    processor = Processor(Settings(TASK_TABLE, CONTAINER_INSTANCE_TABLE, 90), client)
    return processor.process_event


def in_process(config: str, stream: list[dict[str, Any]], runs: int) -> dict[str, Any]:
    """One metered pass, then `runs` timed passes on fresh tables; events per second is
    the median of the timed passes."""
    from moto import mock_aws

    result: dict[str, Any] = {}
    rates = []
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-west-2")
        for attempt in range(runs + 1):
            fresh_tables(client, indexes=config == "default")
            metered = Metered(client, {TASK_TABLE} if config == "default" else set())
            process = worker_for(config, metered if attempt == 0 else client)
            started = time.perf_counter()
            for event in stream:
                process(event)
            elapsed = time.perf_counter() - started
            if attempt == 0:
                result["metered"] = metered
            else:
                rates.append(len(stream) / elapsed)
    result["events_per_second"] = statistics.median(rates)
    return result


def billed_by_dynalite(config: str, stream: list[dict[str, Any]], url: str) -> Metered:
    """One metered pass against dynalite, whose ConsumedCapacity follows the item's size."""
    session = boto3.Session("benchmark", "benchmark", region_name="us-west-2")
    client = session.client("dynamodb", endpoint_url=url)
    fresh_tables(client, indexes=config == "default")
    metered = Metered(client, {TASK_TABLE} if config == "default" else set())
    process = worker_for(config, metered)
    for event in stream:
        process(event)
    return metered


def concurrent(
    config: str, stream: list[dict[str, Any]], url: str, workers: int, batch: int
) -> int:
    """Tasks whose stored version is not their highest delivered one, after `workers`
    threads took SQS-sized batches of the stream from one queue, as Lambda does."""

    retries = Config(retries={"mode": "standard", "max_attempts": 3})

    def client() -> Any:  # a session per thread: boto3 sessions are not thread safe
        session = boto3.Session("benchmark", "benchmark", region_name="us-west-2")
        return session.client("dynamodb", endpoint_url=url, config=retries)

    fresh_tables(client(), indexes=config == "default")
    batches: queue.Queue[list[dict[str, Any]]] = queue.Queue()
    for start in range(0, len(stream), batch):
        batches.put(stream[start : start + batch])

    def work() -> None:
        process = worker_for(config, client())
        while True:
            try:
                events = batches.get_nowait()
            except queue.Empty:
                return
            for event in events:
                process(event)

    run_concurrently(work, [()] * workers, timeout=300)
    table = SAMPLE_TABLE if config == "baseline" else TASK_TABLE
    stored: dict[str, int] = {}
    pages = client().get_paginator("scan").paginate(TableName=table)
    for page in pages:
        for item in page["Items"]:
            stored[item[KEY]["S"]] = int(item["version"]["N"])
    return sum(1 for arn, v in final_versions(stream).items() if stored.get(arn) != v)


# --- Lambda invocations, import time, package size ------------------------------------------


def handler_defaults() -> tuple[int, float]:
    """batch_size and batching_window_seconds as the root module's variables.tf sets them."""
    text = (ROOT / "variables.tf").read_text()
    size = re.search(r"batch_size\s*=\s*optional\(number,\s*(\d+)\)", text)
    window = re.search(r"batching_window_seconds\s*=\s*optional\(number,\s*([\d.]+)\)", text)
    assert size and window, "variables.tf no longer declares the handler's batch defaults"
    return int(size.group(1)), float(window.group(1))


def invocations_per_1000(rate: float, batch_size: int, window: float, seed: int) -> float:
    """Model of the SQS event source: a batch goes to the function when it holds
    batch_size records or `window` seconds after its first record
    (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html, batching
    window); Poisson arrivals. One poller is modelled; AWS runs several, which can only
    split batches further (unverified on AWS)."""
    rng = random.Random(seed)
    now, opened, held, invocations = 0.0, 0.0, 0, 0
    for _ in range(1000):
        now += rng.expovariate(rate)
        if held and now - opened >= window:
            invocations, held = invocations + 1, 0
        if not held:
            opened = now
        held += 1
        if held == batch_size:
            invocations, held = invocations + 1, 0
    return float(invocations + (1 if held else 0))


def import_millis(module: str, runs: int = 5) -> float:
    """Cumulative import time of `module` in a fresh interpreter (python -X importtime),
    median of `runs`, with lambda_src first on the path as in the Lambda package."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "lambda_src")}
    times = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", f"import {module}"],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        for line in done.stderr.splitlines():
            parts = [p.strip() for p in line.split("|")]
            if len(parts) == 3 and parts[2] == module:
                times.append(int(parts[1]) / 1000)
    return statistics.median(times)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    import moto

    return (
        f"{platform.platform()}, {model or cpu}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, boto3 {boto3.__version__}, moto {moto.__version__}"
    )


# --- the table ------------------------------------------------------------------------------


def per_event(metered: Metered, events: int) -> dict[str, float]:
    write = metered.write + metered.index_write
    return {
        "requests": sum(metered.requests.values()) / events,
        "write": metered.write / events,
        "index_write": metered.index_write / events,
        "read": metered.read / events,
        "cost": cost(write, metered.read) / events,
    }


def run(args: argparse.Namespace) -> None:
    from devkit.emulator import Dynalite, LocalEmulator

    streams = {
        "production-like": production_stream(args.tasks, args.seed),
        "production-like, sidecar": production_stream(args.tasks, args.seed, sidecar=True),
        "EC2 bridge mode, three states": production_stream(args.tasks, args.seed, bridge=True),
        "EC2 bridge mode, with the instances' events": production_stream(
            args.tasks, args.seed, bridge=True, instance_events=True
        ),
        "hostile": hostile_stream(args.tasks, args.seed),
    }
    batch_size, window = handler_defaults()
    print(f"Machine: {machine()}")
    print(
        f"Streams: {args.tasks} tasks, 6 states each (3 in bridge mode); "
        + ", ".join(f"{name} {len(stream)} deliveries" for name, stream in streams.items())
        + "; "
        f"{args.runs} timed runs (median), {args.workers} concurrent workers, "
        f"batches of {batch_size}\n"
    )
    results: dict[tuple[str, str], dict[str, Any]] = {}
    log = Path(args.emulator_log)
    with LocalEmulator(log) as emulator, Dynalite(log.with_suffix(".dynalite.log")) as dynalite:
        for name, stream in streams.items():
            for config in CONFIGS:
                measured = in_process(config, stream, args.runs)
                measured["errors"] = concurrent(
                    config, stream, emulator.url, args.workers, batch_size
                )
                measured["dynalite"] = billed_by_dynalite(config, stream, dynalite.url)
                results[name, config] = measured

    header = (
        "| stream | configuration | requests / event | write units / event (table + index) "
        "| read units / event | cost / event (write-unit eq.) | cost vs baseline "
        "| successful requests billed by dynalite as computed here "
        "| events / s | speed vs baseline "
        f"| final-state errors ({args.workers} workers) |"
    )
    print(header)
    print("|" + "---|" * header.count(" | ") + "---|")
    for name, stream in streams.items():
        base = results[name, "baseline"]
        base_cost = per_event(base["metered"], len(stream))["cost"]
        for config in CONFIGS:
            measured = results[name, config]
            unit = per_event(measured["metered"], len(stream))
            print(
                f"| {name} | {config} | {unit['requests']:.2f} "
                f"| {unit['write'] + unit['index_write']:.2f} "
                f"({unit['write']:.2f} + {unit['index_write']:.2f}) | {unit['read']:.2f} "
                f"| {unit['cost']:.2f} | {unit['cost'] / base_cost:.2f} "
                f"| {measured['dynalite'].agreed} of {measured['dynalite'].checked} "
                f"| {measured['events_per_second']:.0f} "
                f"| {measured['events_per_second'] / base['events_per_second']:.2f} "
                f"| {measured['errors']} of {len(final_versions(stream))} tasks |"
            )

    print("\nIndex designs weighed, priced on the default run's applied writes (same records):\n")
    print(
        "| stream | design | index write units / task | cost / event | cost vs baseline "
        "| answered from the index alone |"
    )
    print("|---|---|---|---|---|---|")
    for name, stream in streams.items():
        if name == "hostile":
            continue
        default = results[name, "default"]["metered"]
        base_cost = per_event(results[name, "baseline"]["metered"], len(stream))["cost"]
        tasks = len(final_versions(stream))
        for design in DESIGNS:
            index = design_index_units(default.applied, design)
            event_cost = cost(default.write + index, default.read) / len(stream)
            print(
                f"| {name} | {design.name} | {index / tasks:.2f} | {event_cost:.2f} "
                f"| {event_cost / base_cost:.2f} | {design.answers_from_index} |"
            )

    print("\nStorage at the end of each stream, per task (items and index entries, each with")
    print("DynamoDB's 100 bytes of overhead):\n")
    print("| stream | configuration | bytes stored / task | write-unit eq. / task-month |")
    print("|---|---|---|---|")
    for name, stream in streams.items():
        tasks = len(final_versions(stream))
        for config in CONFIGS:
            indexes = TASK_INDEXES if config == "default" else ()
            shadow = results[name, config]["metered"].shadow
            size = sum(stored_bytes(item, indexes) for item in shadow.values()) / tasks
            print(f"| {name} | {config} | {size:.0f} | {storage_cost_per_month(round(size)):.3f} |")

    print(f"\nLambda invocations per 1,000 events (batch_size {batch_size}, window {window:g} s;")
    print("the baseline is a direct EventBridge target: one invocation per event)\n")
    print("| events / s | this module | baseline |")
    print("|---|---|---|")
    for rate in (0.1, 1, 10, 100, 1000):
        made = invocations_per_1000(rate, batch_size, window, args.seed)
        print(f"| {rate:g} | {made:.0f} | 1000 |")

    handler = import_millis("ecs_events.handler")
    boto = import_millis("boto3")
    zip_size = (ROOT / "dist" / "ecs_events.zip").stat().st_size
    print("\n| cold import (fresh interpreter, median of 5) | ms |")
    print("|---|---|")
    print(f"| boto3 (the baseline imports boto3 and json) | {boto:.0f} |")
    print(f"| ecs_events.handler (imports boto3) | {handler:.0f} |")
    print(f"\nLambda package dist/ecs_events.zip: {zip_size:,} bytes")
    if args.json:
        summary = {
            f"{name}/{config}": {
                **per_event(results[name, config]["metered"], len(streams[name])),
                "events_per_second": results[name, config]["events_per_second"],
                "errors": results[name, config]["errors"],
            }
            for name, config in results
        }
        Path(args.json).write_text(json.dumps(summary, indent=2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--emulator-log", default="/tmp/ecs-events-benchmark-emulator.log")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "benchmark")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "benchmark")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-west-2")
    os.environ["LOG_LEVEL"] = "WARNING"  # one JSON line per event would drown the table
    import logging

    logging.getLogger("ecs_events").setLevel(logging.WARNING)
    run(args)


if __name__ == "__main__":
    main()
