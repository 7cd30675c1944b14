"""What the whole deployment costs, every AWS service, beside AWS's sample: per million
events and per month with no events, from the plans and from measured replays.

    .venv/bin/python -m benchmarks.cost [--tasks 50] [--seed 7]

Prices are us-east-1 on demand, read on PRICES_READ (below), each a named constant with
the page it comes from. Where the figure itself could not be read on an AWS page (the
pricing pages render their tables in the browser), the constant says "unverified" and
names the page that states it. No free tier is applied: an account shares it with
everything else it runs.

Quantities:
- event sizes: the JSON of every delivery of the recorded streams (benchmarks/stream.py);
- the handler's log lines: captured while the stream is replayed through the handler
  under moto, formatted with the keys Lambda's JSON log format adds (timestamp, logger,
  requestId: https://docs.aws.amazon.com/lambda/latest/dg/python-logging.html), plus its
  embedded-metric line per batch; the sample's: its print() lines (seed 000) and the
  START/END/REPORT lines Lambda writes per invocation in the text format;
- invocations per event: the SQS batching model of benchmarks/side_by_side.py, at the
  event rate of each monthly scale;
- GB-seconds: handler time per batch, measured here under moto (an estimate: this
  machine, moto's DynamoDB in process, not Lambda's), times the memory the plan sets;
- DynamoDB units: benchmarks/side_by_side.py's metered replay (benchmarks/units.py rules);
- idle month: every billable resource of the plans of examples/basic, examples/complete
  and, per member account-region, modules/forwarder (examples/fleet).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import io
import json
import logging
import math
import os
import platform
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.stream import production_stream

PRICES_READ = "2026-12-07"

# --- prices (us-east-1, on demand) ---------------------------------------------------------

# Lambda. https://aws.amazon.com/lambda/pricing/ renders its on-demand table in the browser;
# the figures are unverified there and stated by
# https://git.mcrn.ar/mariano/lambda_local_runner/src/commit/957e45b8adae23ce50b966346229585b5df18b4d/docs/lambdas-md/lambda-13-cost.md
# (and app.unpkg.com/artillery@2.0.28/files/lib/platform/aws-lambda/prices.js).
LAMBDA_PER_MILLION_REQUESTS = 0.20
LAMBDA_PER_GB_SECOND_X86 = 0.0000166667
LAMBDA_PER_GB_SECOND_ARM = 0.0000133334

# SQS standard queue, per million requests, each 64 KB of payload one request; a batch
# request (ReceiveMessage of up to 10, DeleteMessageBatch) is one request. Unverified on
# https://aws.amazon.com/sqs/pricing/; stated by
# https://www.factualminds.com/blog/amazon-sqs-pricing-64kb-rule-fifo-vs-standard/
SQS_PER_MILLION_REQUESTS = 0.40
SQS_CHUNK_BYTES = 64 * 1024

# CloudWatch Logs, per GB ingested and per GB-month stored. Unverified on
# https://aws.amazon.com/cloudwatch/pricing/; stated by
# https://c3x.dev/blog/cloudwatch-logs-cost-optimization ("us-east-1, June 2026").
# Logs Insights is $0.005 per GB scanned per query (same page): it depends on the questions
# asked, not on the events, so it is left out of the table.
LOGS_INGESTION_PER_GB_STANDARD = 0.50
LOGS_INGESTION_PER_GB_INFREQUENT_ACCESS = 0.25
LOGS_STORAGE_PER_GB_MONTH = 0.03

# CloudWatch: custom metrics per metric-month (first 10,000), standard-resolution alarms
# per alarm-month, dashboards per dashboard-month. Unverified on
# https://aws.amazon.com/cloudwatch/pricing/; stated by
# https://github.com/nishinoshake/aws-rough/issues/37 (metrics, dashboards) and
# https://github.com/vreutova/infracost-idem-support/pull/2 (alarms). Embedded metric format
# lines are billed as log ingestion plus the custom metrics they create (same pricing page).
CUSTOM_METRIC_PER_MONTH = 0.30
ALARM_PER_MONTH = 0.10
DASHBOARD_PER_MONTH = 3.00

# KMS: a customer managed key per month, and requests. Unverified on
# https://aws.amazon.com/kms/pricing/ (the developer guide says a key has a monthly fee and
# requests a usage fee: https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html);
# stated by https://gist.github.com/dasgoll/b88d5be05dcc0deb052ad40446c2fb40
KMS_KEY_PER_MONTH = 1.00
KMS_PER_10K_REQUESTS = 0.03

# EventBridge: AWS service events on the default bus are free, ingestion and delivery to
# targets of the same account (https://aws.amazon.com/eventbridge/pricing/, "AWS management
# events are ingested by the event bus for free"). Events a rule sends to another event bus
# are billed as custom events (https://aws.amazon.com/about-aws/whats-new/2021/05/amazon-eventbridge-supports-sharing-events-between-event-buses-same-account-region/);
# the figure, $1.00 per million 64 KB chunks, is unverified on the pricing page and stated by
# https://cloudburn.io/blog/amazon-eventbridge-pricing
EVENTBRIDGE_SERVICE_EVENT_PER_MILLION = 0.0
EVENTBRIDGE_CUSTOM_EVENT_PER_MILLION = 1.00

# SNS: publishes, and email deliveries. Unverified on https://aws.amazon.com/sns/pricing/;
# stated by https://www.factualminds.com/blog/amazon-sns-pricing-publishes-fanout-protocols/
SNS_PER_MILLION_PUBLISHES = 0.50
SNS_PER_EMAIL = 2.00 / 100_000

# DynamoDB on demand: benchmarks/units.py (https://aws.amazon.com/dynamodb/pricing/on-demand/).
DYNAMODB_PER_MILLION_WRITE_UNITS = 0.625
DYNAMODB_PER_MILLION_READ_UNITS = 0.125

# --- quantities that are not measured here ----------------------------------------------

# Lambda polls an SQS event source with several long polls at once even when the queue is
# empty; five pollers is the figure AWS's scaling description starts from
# (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html). Unverified on
# AWS: the number and the wait of each empty receive are Lambda's to choose.
IDLE_POLLERS = 5
LONG_POLL_SECONDS = 20
SECONDS_PER_MONTH = 30 * 24 * 3600

# The sample as AWS's developer guide ships it: Lambda's defaults (128 MB, x86_64).
SAMPLE_MEMORY_MB = 128
# Logs kept a year, for everyone (the module's default log_retention_days is 365; the
# sample's log group never expires, so a year understates it). Stored bytes are billed
# compressed; the uncompressed size used here is an upper bound.
STORAGE_MONTHS = 12

SCALES = (10_000, 1_000_000, 100_000_000)
FLEET_PLACES = 60


# --- the model: pure arithmetic -------------------------------------------------------------


@dataclass(frozen=True)
class Traffic:
    """What a configuration does per event, measured on one stream at one rate."""

    events: int
    invocations: float  # Lambda invocations for those events
    seconds_per_invocation: float
    memory_mb: int
    arm64: bool
    sqs_requests: float  # EventBridge's sends, Lambda's receives and deletes
    handler_log_bytes: float  # every line the function writes, all events
    event_log_bytes: float  # what EventBridge writes to the event log, all events
    event_log_infrequent_access: bool
    write_units: float
    read_units: float
    alerts: int = 0  # SNS publishes, one email each
    cross_account_events: int = 0  # forwarded from member accounts to a central bus


def gb_seconds(invocations: float, seconds: float, memory_mb: int) -> float:
    """Lambda bills each invocation's duration rounded up to the millisecond."""
    billed = math.ceil(seconds * 1000) / 1000
    return invocations * billed * memory_mb / 1024


def per_million(traffic: Traffic) -> dict[str, float]:
    """Dollars per million events, by service."""
    scale = 1_000_000 / traffic.events
    gb = 1024**3
    compute = gb_seconds(traffic.invocations, traffic.seconds_per_invocation, traffic.memory_mb)
    ingestion = (
        LOGS_INGESTION_PER_GB_INFREQUENT_ACCESS
        if traffic.event_log_infrequent_access
        else LOGS_INGESTION_PER_GB_STANDARD
    )
    logged = traffic.handler_log_bytes + traffic.event_log_bytes
    items = {
        "Lambda requests": traffic.invocations / 1e6 * LAMBDA_PER_MILLION_REQUESTS,
        "Lambda GB-seconds": compute
        * (LAMBDA_PER_GB_SECOND_ARM if traffic.arm64 else LAMBDA_PER_GB_SECOND_X86),
        "SQS": traffic.sqs_requests / 1e6 * SQS_PER_MILLION_REQUESTS,
        "Logs: function's lines": traffic.handler_log_bytes / gb * LOGS_INGESTION_PER_GB_STANDARD,
        "Logs: event log": traffic.event_log_bytes / gb * ingestion,
        f"Logs: storage, {STORAGE_MONTHS} months": logged
        / gb
        * LOGS_STORAGE_PER_GB_MONTH
        * STORAGE_MONTHS,
        "DynamoDB": traffic.write_units / 1e6 * DYNAMODB_PER_MILLION_WRITE_UNITS
        + traffic.read_units / 1e6 * DYNAMODB_PER_MILLION_READ_UNITS,
        "SNS": traffic.alerts * (SNS_PER_MILLION_PUBLISHES / 1e6 + SNS_PER_EMAIL),
        "EventBridge": traffic.events / 1e6 * EVENTBRIDGE_SERVICE_EVENT_PER_MILLION
        + traffic.cross_account_events / 1e6 * EVENTBRIDGE_CUSTOM_EVENT_PER_MILLION,
    }
    return {name: value * scale for name, value in items.items()}


@dataclass(frozen=True)
class Idle:
    """The billable resources of one deployment, from its plan."""

    alarms: int = 0
    dashboards: int = 0
    kms_keys: int = 0
    sqs_pollers: int = 0  # event source mappings on SQS queues
    scheduled_invocations_per_month: float = 0.0
    details: dict[str, int] = field(default_factory=dict, compare=False)


def idle_per_month(idle: Idle) -> dict[str, float]:
    """Dollars a month with no events at all. Custom metrics cost nothing then: a metric is
    billed for the hours it receives data, and no event means no embedded-metric line."""
    empty_receives = idle.sqs_pollers * IDLE_POLLERS * SECONDS_PER_MONTH / LONG_POLL_SECONDS
    return {
        "CloudWatch alarms": idle.alarms * ALARM_PER_MONTH,
        "CloudWatch dashboards": idle.dashboards * DASHBOARD_PER_MONTH,
        "KMS keys": idle.kms_keys * KMS_KEY_PER_MONTH,
        "SQS: Lambda's empty long polls": empty_receives / 1e6 * SQS_PER_MILLION_REQUESTS,
        "Lambda: scheduled runs (requests only)": idle.scheduled_invocations_per_month
        / 1e6
        * LAMBDA_PER_MILLION_REQUESTS,
    }


def metrics_per_month(outcomes: int, clusters: int, failing_families: int) -> float:
    """Custom metrics a month that has events: one per outcome for the Stack, and Failures
    for the Stack, per cluster and per (cluster, family) that failed in the month."""
    failures = 0 if failing_families == 0 else 1 + clusters + failing_families
    return (outcomes + failures) * CUSTOM_METRIC_PER_MONTH


def monthly(events: int, per_million_total: float, idle_total: float, metrics: float) -> float:
    return idle_total + (metrics if events else 0.0) + per_million_total * events / 1e6


# --- counting billable resources in a plan -------------------------------------------------


def _planned(module: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for resource in module.get("resources", []):
        if resource.get("mode") == "managed":
            yield resource
    for child in module.get("child_modules", []):
        yield from _planned(child)


def count_idle(plan: dict[str, Any], address_prefix: str = "") -> Idle:
    """Billable resources of the plan (`terraform show -json`) whose address starts with
    `address_prefix`: standard-resolution alarms, dashboards, customer managed keys, SQS
    event source mappings, and scheduled Lambda runs (EventBridge rules and Scheduler
    schedules with a rate)."""
    found: dict[str, int] = {}
    scheduled = 0.0
    for resource in _planned(plan["planned_values"]["root_module"]):
        if not resource["address"].startswith(address_prefix):
            continue
        kind, values = resource["type"], resource.get("values", {})
        found[kind] = found.get(kind, 0) + 1
        expression = values.get("schedule_expression") or ""
        if expression.startswith("rate("):
            amount, unit = expression[5:-1].split()
            seconds = {"minute": 60, "hour": 3600, "day": 86400}[unit.rstrip("s")]
            scheduled += SECONDS_PER_MONTH / (int(amount) * seconds)
    mappings = sum(
        1
        for resource in _planned(plan["planned_values"]["root_module"])
        if resource["address"].startswith(address_prefix)
        and resource["type"] == "aws_lambda_event_source_mapping"
    )
    return Idle(
        alarms=found.get("aws_cloudwatch_metric_alarm", 0),
        dashboards=found.get("aws_cloudwatch_dashboard", 0),
        kms_keys=found.get("aws_kms_key", 0),
        sqs_pollers=mappings,
        scheduled_invocations_per_month=scheduled,
        details=found,
    )


def handler_function(plan: dict[str, Any]) -> tuple[int, bool]:
    """(memory_size, arm64) of the handler function the plan creates."""
    for resource in _planned(plan["planned_values"]["root_module"]):
        if resource["type"] == "aws_lambda_function" and "module.handler." in resource["address"]:
            values = resource["values"]
            return int(values["memory_size"]), values.get("architectures") == ["arm64"]
    raise ValueError("the plan has no handler function (module.handler)")


def plan_example(example: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """The offline plan of examples/<example>, as the terraform tests make it."""
    from tools.terraform import copy_sources, offline_workspace

    with tempfile.TemporaryDirectory() as scratch:
        sources = copy_sources(Path(scratch))
        workspace = offline_workspace(sources / "examples" / example)
        return workspace.plan(variables)


# The cheapest configuration that still mirrors state and alerts: no query index (the CLI's
# `tasks` scans), no event log, no self-monitoring alarms or dashboard (the dead-letter
# alarms stay: they belong to their queues), the handler logging failures only.
LEAN_INPUTS: dict[str, Any] = {
    "alerts": {"enabled": True},
    "tables": {"query_indexes": False},
    "history": {"enabled": False},
    "monitoring": {"enabled": False},
    "handler": {"log_level": "WARN"},
}


def plan_root(variables: dict[str, Any]) -> dict[str, Any]:
    """The offline plan of the root module with these inputs (a tfvars file: they are
    objects), as tests/terraform/conftest.py's plan_root makes it."""
    from tools.terraform import copy_sources, offline_workspace

    with tempfile.TemporaryDirectory() as scratch:
        sources = copy_sources(Path(scratch))
        workspace = offline_workspace(sources)
        (sources / "test.auto.tfvars.json").write_text(json.dumps(variables))
        return workspace.plan()


# --- measuring ------------------------------------------------------------------------------

LAMBDA_JSON_KEYS = {
    "timestamp": "2026-12-07T20:30:06.123Z",
    "logger": "ecs_events",
    "requestId": str(uuid.UUID(int=0)),
}


class _LambdaJsonFormatter(logging.Formatter):
    """The project's JSON line with the keys Lambda's JSON log format adds."""

    def format(self, record: logging.LogRecord) -> str:
        from ecs_events.logs import JsonFormatter

        line = json.loads(JsonFormatter().format(record))
        return json.dumps({**LAMBDA_JSON_KEYS, **line}, default=str)


@contextlib.contextmanager
def captured_log(level: str) -> Iterator[io.StringIO]:
    """Everything the package's logger writes at `level`, one line per record."""
    from ecs_events.logs import LOGGER

    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(_LambdaJsonFormatter())
    saved = (LOGGER.level, LOGGER.handlers[:], LOGGER.propagate)
    LOGGER.handlers, LOGGER.propagate = [handler], False
    LOGGER.setLevel(level)
    try:
        yield out
    finally:
        LOGGER.setLevel(saved[0])
        LOGGER.handlers, LOGGER.propagate = saved[1], saved[2]


@dataclass(frozen=True)
class HandlerRun:
    event_line_bytes: int  # the log lines of the whole stream (one per event at INFO)
    metric_line_bytes: float  # one embedded-metric line, written per batch
    seconds_per_batch: dict[int, float]  # median seconds per batch, by batch size

    def log_bytes(self, invocations: float) -> float:
        return self.event_line_bytes + self.metric_line_bytes * invocations


def replay_handler(stream: list[dict[str, Any]], level: str, sizes: tuple[int, ...]) -> HandlerRun:
    """The stream through the handler in SQS batches under moto, once per batch size:
    the log bytes of the first pass and the median time per batch of each."""
    import statistics

    import boto3
    from moto import mock_aws

    from ecs_events.config import Settings
    from ecs_events.handler import Processor
    from tests.events import sqs_batch
    from tests.tables import CONTAINER_INSTANCE_TABLE, TASK_TABLE, create_state_tables

    settings = Settings(TASK_TABLE, CONTAINER_INSTANCE_TABLE, 90)
    line_bytes, metric_bytes = 0, 0.0
    timings: dict[int, float] = {}
    for n, size in enumerate(sizes):
        lines: list[str] = []
        with mock_aws(), captured_log(level) as out:
            client = boto3.client("dynamodb", region_name="us-east-1")
            create_state_tables(client)
            processor = Processor(settings, client, metrics_out=lines.append)
            times = []
            for start in range(0, len(stream), size):
                records = sqs_batch(stream[start : start + size])["Records"]
                began = time.perf_counter()
                processor.process_batch(records)
                times.append(time.perf_counter() - began)
        timings[size] = statistics.median(times)
        if n == 0:
            line_bytes = len(out.getvalue().encode())
            metric_bytes = sum(len(line.encode()) + 1 for line in lines) / len(lines)
    return HandlerRun(line_bytes, metric_bytes, timings)


def sample_log_lines(event: dict[str, Any], outcome: str) -> list[str]:
    """The lines the sample prints for one event (seed 000), and Lambda's START, END and
    REPORT lines in the text log format."""
    arn = event["detail"].get("taskArn") or event["detail"].get("containerInstanceArn", "")
    printed = ["Here is the event:", json.dumps(event), "Looking for recent event with same ID..."]
    if outcome == "applied" and event["detail"]["version"] == 1:
        printed.append(f"Saving new event - ID {arn}")
    else:
        printed.append(f"EXISTING EVENT DETECTED: Id {arn} - reconciling")
        printed.append(
            "Received event is a more recent version than the stored event - updating"
            if outcome == "applied"
            else "Received event is an older version than the stored event - ignoring"
        )
    request = str(uuid.UUID(int=0))
    platform_lines = [
        f"START RequestId: {request} Version: $LATEST",
        f"END RequestId: {request}",
        f"REPORT RequestId: {request}\tDuration: 12.34 ms\tBilled Duration: 13 ms\t"
        f"Memory Size: {SAMPLE_MEMORY_MB} MB\tMax Memory Used: 74 MB\t",
    ]
    return printed + platform_lines


def replay_sample(stream: list[dict[str, Any]]) -> tuple[int, float]:
    """(log bytes, median seconds per event) of the sample's algorithm under moto."""
    import statistics

    import boto3
    from moto import mock_aws

    from benchmarks.baseline import ReadThenWrite
    from benchmarks.side_by_side import fresh_tables

    log_bytes, times = 0, []
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        fresh_tables(client, indexes=False)
        sample = ReadThenWrite(client)
        for event in stream:
            began = time.perf_counter()
            outcome = sample.process_event(event)
            times.append(time.perf_counter() - began)
            log_bytes += sum(len(line.encode()) + 1 for line in sample_log_lines(event, outcome))
    return log_bytes, statistics.median(times)


def dynamodb_units(config: str, stream: list[dict[str, Any]]) -> tuple[float, float]:
    """(write units, read units) of the whole stream, metered by DynamoDB's rules."""
    from benchmarks.side_by_side import in_process

    metered = in_process(config, stream, runs=1)["metered"]
    return float(metered.write + metered.index_write), float(metered.read)


def failed_tasks(stream: list[dict[str, Any]]) -> int:
    """Tasks that stopped with a non-zero exit: one alert each (sent once)."""
    return len(
        {
            event["detail"]["taskArn"]
            for event in stream
            if event["detail-type"] == "ECS Task State Change"
            and event["detail"].get("lastStatus") == "STOPPED"
            and any(c.get("exitCode") not in (None, 0) for c in event["detail"]["containers"])
        }
    )


def seconds_for(run: HandlerRun, events_per_invocation: float) -> float:
    """Handler seconds for a batch of that mean size: linear between the measured sizes."""
    (small, t_small), (large, t_large) = sorted(run.seconds_per_batch.items())
    slope = (t_large - t_small) / (large - small)
    return max(t_small, t_small + slope * (events_per_invocation - small))


# --- the table ------------------------------------------------------------------------------


def machine() -> str:
    return f"{platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    for name, value in (
        ("AWS_ACCESS_KEY_ID", "benchmark"),
        ("AWS_SECRET_ACCESS_KEY", "benchmark"),
        ("AWS_DEFAULT_REGION", "us-east-1"),
    ):
        os.environ.setdefault(name, value)
    run(args)


def run(args: argparse.Namespace) -> None:
    from benchmarks.side_by_side import handler_defaults, invocations_per_1000
    from ecs_events.outcome import Outcome

    batch_size, window = handler_defaults()
    plans = {
        "basic": plan_example("basic"),
        "complete": plan_example("complete"),
        "fleet": plan_example("fleet"),
        "lean": plan_root(LEAN_INPUTS),
    }
    memory, arm64 = handler_function(plans["basic"])

    print(
        f"Machine: {machine()}; date {datetime.date.today().isoformat()} "
        f"(prices read {PRICES_READ}, us-east-1 on demand)"
    )
    streams = {
        "production-like": production_stream(args.tasks, args.seed),
        "sidecar": production_stream(args.tasks, args.seed, sidecar=True),
    }
    measured: dict[str, dict[str, Any]] = {}
    for name, stream in streams.items():
        info = measured[name] = {}
        info["event_bytes"] = sum(len(json.dumps(e).encode()) for e in stream)
        info["default_run"] = replay_handler(stream, "INFO", (1, batch_size))
        info["lean_run"] = replay_handler(stream, "WARNING", (1, batch_size))
        info["sample"] = replay_sample(stream)
        info["units"] = {c: dynamodb_units(c, stream) for c in ("default", "no index", "baseline")}
        info["alerts"] = failed_tasks(stream)

    print(
        f"Handler: {memory} MB, {'arm64' if arm64 else 'x86_64'} (plan of examples/basic), "
        f"SQS batches of {batch_size} within {window:g} s; sample: {SAMPLE_MEMORY_MB} MB x86_64, "
        "one invocation per event. Durations measured under moto on this machine (estimates).\n"
    )
    header = "| stream | events / month (rate) | configuration | " + " | ".join(
        per_million(_placeholder()).keys()
    )
    print(header + " | total per million events | vs sample |")
    print("|" + "---|" * (header.count("|") + 2))
    totals: dict[tuple[str, int, str], float] = {}
    for name, stream in streams.items():
        info = measured[name]
        events = len(stream)
        for scale in SCALES:
            rate = scale / SECONDS_PER_MONTH
            invocations = invocations_per_1000(rate, batch_size, window, args.seed) / 1000 * events
            mean_batch = events / invocations
            rows = {}
            for config, run_key, units_key, history, infrequent in (
                ("default", "default_run", "default", True, False),
                ("default, event log in Infrequent Access", "default_run", "default", True, True),
                ("lean", "lean_run", "no index", False, False),
            ):
                handler_run: HandlerRun = info[run_key]
                rows[config] = Traffic(
                    events=events,
                    invocations=invocations,
                    seconds_per_invocation=seconds_for(handler_run, mean_batch),
                    memory_mb=memory,
                    arm64=arm64,
                    sqs_requests=events + 2 * invocations,
                    handler_log_bytes=handler_run.log_bytes(invocations),
                    event_log_bytes=info["event_bytes"] if history else 0,
                    event_log_infrequent_access=infrequent,
                    write_units=info["units"][units_key][0] + 2 * info["alerts"],
                    read_units=info["units"][units_key][1],
                    alerts=info["alerts"],
                )
            sample_bytes, sample_seconds = info["sample"]
            rows["AWS's sample"] = Traffic(
                events=events,
                invocations=events,
                seconds_per_invocation=sample_seconds,
                memory_mb=SAMPLE_MEMORY_MB,
                arm64=False,
                sqs_requests=0,
                handler_log_bytes=sample_bytes,
                event_log_bytes=0,
                event_log_infrequent_access=False,
                write_units=info["units"]["baseline"][0],
                read_units=info["units"]["baseline"][1],
            )
            sample_total = sum(per_million(rows["AWS's sample"]).values())
            for config, traffic in rows.items():
                items = per_million(traffic)
                total = sum(items.values())
                totals[name, scale, config] = total
                print(
                    f"| {name} | {scale:,} ({rate:.3g}/s) | {config} | "
                    + " | ".join(f"{v:.3f}" for v in items.values())
                    + f" | **{total:.2f}** | {total / sample_total:.2f} |"
                )

    idles = {
        "basic (default)": count_idle(plans["basic"]),
        "lean": count_idle(plans["lean"]),
        "complete": count_idle(plans["complete"]),
        "fleet: central": count_idle(plans["fleet"], "module.central"),
        "fleet: one member account-region (modules/forwarder)": count_idle(
            plans["fleet"], "module.member_secondary"
        ),
    }
    print("\nPer month with no events (from the plans):\n")
    print(
        "| deployment | alarms | dashboards | KMS keys | SQS pollers | "
        + " | ".join(idle_per_month(Idle()).keys())
        + " | total / month |"
    )
    print("|" + "---|" * (6 + len(idle_per_month(Idle()))))
    idle_totals = {}
    for name, idle in idles.items():
        items = idle_per_month(idle)
        idle_totals[name] = sum(items.values())
        print(
            f"| {name} | {idle.alarms} | {idle.dashboards} | {idle.kms_keys} "
            f"| {idle.sqs_pollers} | "
            + " | ".join(f"{v:.2f}" for v in items.values())
            + f" | **{idle_totals[name]:.2f}** |"
        )
    print(
        "| AWS's sample | 0 | 0 | 0 | 0 | "
        + " | ".join("0.00" for _ in idle_per_month(Idle()))
        + " | **0.00** |"
    )

    clusters, families = 2, 2  # the streams' clusters and the families that fail in them
    metrics = metrics_per_month(len(Outcome), clusters, clusters * families)
    print(
        "\nPer month at three scales, production-like stream (idle + events + "
        f"{len(Outcome)} outcome metrics and Failures for the stack, {clusters} clusters and "
        f"{clusters * families} "
        f"failing cluster-families: ${metrics:.2f} in a month with events):\n"
    )
    print(
        "| events / month | default | default, event log in Infrequent Access | lean "
        "| AWS's sample |"
    )
    print("|---|---|---|---|---|")
    lean_idle = idle_totals["lean"]
    for scale in SCALES:
        d = monthly(
            scale,
            totals["production-like", scale, "default"],
            idle_totals["basic (default)"],
            metrics,
        )
        ia = monthly(
            scale,
            totals["production-like", scale, "default, event log in Infrequent Access"],
            idle_totals["basic (default)"],
            metrics,
        )
        lean = monthly(scale, totals["production-like", scale, "lean"], lean_idle, metrics)
        s = monthly(scale, totals["production-like", scale, "AWS's sample"], 0.0, 0.0)
        print(f"| {scale:,} | {d:.2f} | {ia:.2f} | {lean:.2f} | {s:.2f} |")

    member = idle_totals["fleet: one member account-region (modules/forwarder)"]
    central = idle_totals["fleet: central"]
    print(f"\nA fleet of {FLEET_PLACES} account-regions, each with 1,000,000 events a month:\n")
    print("| | per month |")
    print("|---|---|")
    events = FLEET_PLACES * 1_000_000
    rate_total = totals["production-like", 100_000_000, "default"]  # 60 M/month at one bus
    forwarded = events / 1e6 * EVENTBRIDGE_CUSTOM_EVENT_PER_MILLION
    fleet = central + FLEET_PLACES * member + rate_total * events / 1e6 + forwarded + metrics
    sample_fleet = FLEET_PLACES * totals["production-like", 1_000_000, "AWS's sample"]
    print(f"| this module: central deployment idle | {central:.2f} |")
    print(
        f"| this module: {FLEET_PLACES} forwarders idle ({member:.2f} each) "
        f"| {FLEET_PLACES * member:.2f} |"
    )
    print(
        "| this module: events at the central bus (the default's per-million total at the "
        f"100 M scale) | {rate_total * events / 1e6:.2f} |"
    )
    print(f"| this module: cross-account forwarding (custom events) | {forwarded:.2f} |")
    print(f"| this module: metrics | {metrics:.2f} |")
    print(f"| **this module, total** | **{fleet:.2f}** |")
    print(f"| AWS's sample, one per account-region | **{sample_fleet:.2f}** |")


def _placeholder() -> Traffic:
    return Traffic(1, 0, 0, 128, False, 0, 0, 0, False, 0, 0)


if __name__ == "__main__":
    main()
