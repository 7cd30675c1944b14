"""The reliability figures for the record: `python -m tests.reliability.report`.

Runs random fault mixes with SQS-like redelivery, hostile records mixed into batches of
good ones, and a shuffled replay with duplicates, and prints what happened: faults
injected by kind, events replayed, duplicates, final states wrong, alerts lost, alerts
doubled by window, incidents opened, resolved, lost and doubled by window under the same
fault mixes, hostile records tried, batch crashes, wrong storm counts, frozen
resources, and what hostile content in failing tasks leaves in the messages sent (size,
secrets, mentions, controls). Seeded: the same arguments print the same figures.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import time
from collections import Counter

from devkit.events import task_event

from .faults import STORM_KINDS, FaultInjector
from .frozen import add_unstorable_versions, frozen, seed_versionless
from .harness import (
    World,
    crash_loops,
    deliver,
    deliver_incidents,
    hostile_content_run,
    replay,
    task_stream,
    tasks_for,
)
from .hostile import hostile_body
from .storms import STORM_WINDOW_SECONDS, count_storm, storm_stream

GOOD_ARN = "arn:aws:ecs:us-west-2:111122223333:task/good/{:032x}"


def fault_mixes(mixes: int, tasks: int) -> None:
    print(f"## Random fault mixes ({mixes}, {tasks} tasks each, 30 % duplicates, batches of 10)")
    print(
        "rate | events | faults | crashes | redelivered | DLQ | wrong | expected | lost | doubled"
    )
    totals: Counter[str] = Counter()
    windows: Counter[str] = Counter()
    sums: Counter[str] = Counter()
    for n in range(mixes):
        rate = 0.10 + 0.20 * n / max(1, mixes - 1)
        stream = task_stream(tasks, 0.3, random.Random(100 + n), deployments=5)
        injector = FaultInjector(rate=rate, crash_rate=0.005, rng=random.Random(200 + n))
        with World(injector) as world:
            r = deliver(world, stream)
        totals.update(r.faults)
        windows.update(r.alerts_doubled)
        for name in (
            "events",
            "duplicates",
            "wrong_states",
            "alerts_expected",
            "alerts_lost",
            "doubled",
            "batch_crashes",
            "record_failures",
            "dead_lettered",
        ):
            sums[name] += getattr(r, name)
        print(
            f"{rate:.0%} | {r.events} | {sum(r.faults.values())} | {r.batch_crashes} | "
            f"{r.record_failures} | {r.dead_lettered} | {r.wrong_states} | "
            f"{r.alerts_expected} | {r.alerts_lost} | {r.doubled}"
        )
    print(f"faults injected by kind: {dict(sorted(totals.items()))}")
    print(
        f"events delivered: {sums['events']} (duplicates {sums['duplicates']}); "
        f"batch crashes: {sums['batch_crashes']}; records failed and redelivered: "
        f"{sums['record_failures']}; dead-lettered then redriven: {sums['dead_lettered']}"
    )
    print(
        f"final states wrong: {sums['wrong_states']}; alerts expected: "
        f"{sums['alerts_expected']}, lost: {sums['alerts_lost']}, doubled: {sums['doubled']} "
        f"({sums['doubled'] / max(1, sums['alerts_expected']):.1%}) by window: {dict(windows)}"
    )


def incident_mixes(mixes: int, families: int, failures: int) -> None:
    print(
        f"\n## Incidents under the same fault mixes ({mixes}; {families} crash loops of "
        f"{failures} failures each, 30 % duplicates, a wake-up delivered twice)"
    )
    print("rate | faults | opened | resolved | lost | doubled | miscounted | wake-ups")
    sums: Counter[str] = Counter()
    windows: Counter[str] = Counter()
    for n in range(mixes):
        rate = 0.10 + 0.20 * n / max(1, mixes - 1)
        stream = crash_loops(families, failures, 0.3, random.Random(400 + n))
        injector = FaultInjector(rate=rate, crash_rate=0.005, rng=random.Random(500 + n))
        with World(injector, storm_window_seconds=900) as world:
            r = deliver_incidents(world, stream, failures)
        doubled = sum(r.doubled.values())
        windows.update(r.doubled)
        for name, value in (
            ("families", r.families),
            ("opened", r.opened),
            ("resolved", r.resolved),
            ("lost", r.lost),
            ("doubled", doubled),
            ("miscounted", r.miscounted),
        ):
            sums[name] += value
        print(
            f"{rate:.0%} | {sum(r.faults.values())} | {r.opened} | {r.resolved} | {r.lost} | "
            f"{doubled} | {r.miscounted} | {r.wake_ups}"
        )
    print(
        f"incidents expected: {sums['families']}; opened: {sums['opened']}, resolved: "
        f"{sums['resolved']}, lost: {sums['lost']}, doubled: {sums['doubled']} by window: "
        f"{dict(windows)}; counts wrong: {sums['miscounted']}"
    )


def hostile(records: int) -> None:
    print(f"\n## Hostile records ({records}, mixed 1:1 with good ones in batches of 10)")
    rng = random.Random(300)
    kinds: Counter[str] = Counter()
    raised = unreported = good_lost = tried = 0
    with World(FaultInjector()) as world:
        serial = 0
        while tried < records:
            batch, good = [], []
            for slot in range(10):
                serial += 1
                if slot % 2 == 0:
                    body, what = hostile_body(rng, serial)
                    kinds[_kind(what)] += 1
                    tried += 1
                else:
                    arn = GOOD_ARN.format(serial)
                    body = json.dumps(task_event(3, "RUNNING", task_arn=arn))
                    good.append(arn)
                batch.append({"messageId": str(serial), "body": body})
            try:
                failed = world.processor.process_batch(batch)["batchItemFailures"]
            except Exception:
                raised += 1
                continue
            unreported += sum(1 for f in failed if not f["itemIdentifier"])
            for arn in good:
                item = world.dynamodb.get_item(
                    TableName="ecs-events-tasks", Key={"taskArn": {"S": arn}}
                ).get("Item")
                good_lost += item is None
    print(
        f"hostile records tried: {tried}; batch crashes (raised out of the batch): {raised}; "
        f"failures with an empty identifier: {unreported}; good records not stored: {good_lost}"
    )
    print(f"hostile kinds: {dict(kinds.most_common())}")


def hostile_content(tasks: int) -> None:
    print(
        f"\n## Hostile content ({tasks} failing tasks: maximal and hostile reasons and names, "
        "last log lines with secrets, mentions, controls, fence breakers)"
    )
    r = hostile_content_run(tasks)
    print(
        f"tasks: {r.tasks}; publish requests checked: {r.sent}; alerts lost: {r.lost}; "
        f"over SNS's limit: {r.over_limit} (largest {r.largest_bytes} bytes of 262144); "
        f"with a secret: {r.secrets_present}; with a live mention: {r.live_mentions}; "
        f"with a raw control character: {r.raw_controls}"
    )


def _kind(what: str) -> str:
    if " = " in what:
        return "a field set to " + what.split(" = ")[1]
    return "a missing field" if what.startswith("missing") else what


def replays(events: int) -> None:
    print(f"\n## Shuffled replay ({events} events, 30 % duplicates, no faults)")
    stream = task_stream(tasks_for(events, 0.3), 0.3, random.Random(events))
    started = time.monotonic()
    with World(FaultInjector()) as world:
        r = replay(world, stream)
    print(
        f"events replayed: {r.events} (duplicates {r.duplicates}) over "
        f"{len(stream.final_versions)} tasks; failed: {r.record_failures}; "
        f"final states wrong: {r.wrong_states}; {time.monotonic() - started:.0f} s"
    )


def storm_counts(mixes: int, failures: int) -> None:
    """Storm counts under fault mixes that repeat writes (storms.py): 0 wrong when every
    held-back failure is counted once, in the message after its window."""
    print(
        f"\n## Storm counts ({mixes} mixes, {failures} failures of one family each, "
        "30 % duplicates, 900 s window)"
    )
    print("rate | events | faults | crashes | redelivered | sent | held | counted | wrong")
    totals: Counter[str] = Counter()
    wrong = 0
    for n in range(mixes):
        rate = 0.10 + 0.20 * n / max(1, mixes - 1)
        stream = storm_stream(failures, 0.3, random.Random(400 + n))
        injector = FaultInjector(
            rate=rate, crash_rate=0.005, rng=random.Random(500 + n), kinds=STORM_KINDS
        )
        with World(injector, storm_window_seconds=STORM_WINDOW_SECONDS) as world:
            r = deliver(world, stream)
            count = count_storm(world, stream)
        totals.update(r.faults)
        wrong += count.wrong
        print(
            f"{rate:.0%} | {r.events} | {sum(r.faults.values())} | {r.batch_crashes} | "
            f"{r.record_failures} | {count.sent} | {count.held} | {count.counted} | "
            f"{count.wrong}"
        )
    print(f"faults injected by kind: {dict(sorted(totals.items()))}")
    print(f"wrong storm counts: {wrong}")


def frozen_resources(mixes: int, tasks: int) -> None:
    """Tasks left behind their newest state (frozen.py): versionless items seeded as a
    backfill writes them, and states with a version over 38 digits, under fault mixes."""
    print(
        f"\n## Frozen resources ({mixes} mixes, {tasks} tasks each: 30 % start versionless, "
        "30 % get a state with a 39-digit version)"
    )
    print("rate | events | versionless | unstorable | dead-lettered for good | frozen")
    total = 0
    for n in range(mixes):
        rate = 0.10 + 0.20 * n / max(1, mixes - 1)
        rng = random.Random(600 + n)
        stream = task_stream(tasks, 0.3, rng)
        injector = FaultInjector(rate=rate, crash_rate=0.005, rng=random.Random(700 + n))
        with World(injector) as world:
            seeded = seed_versionless(world, stream, 0.3, rng)
            unstorable = add_unstorable_versions(stream, 0.3, rng)
            r = deliver(world, stream, max_redrives=1)
            stuck = len(frozen(world, stream))
        total += stuck
        print(f"{rate:.0%} | {r.events} | {seeded} | {unstorable} | {r.dead_left} | {stuck}")
    print(f"frozen resources: {total}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # 0 leaves a part out.
    parser.add_argument("--mixes", type=int, default=7)
    parser.add_argument("--tasks", type=int, default=150, help="task lives per fault mix")
    parser.add_argument("--incidents", type=int, default=7, help="incident fault mixes")
    parser.add_argument("--hostile", type=int, default=1000)
    parser.add_argument("--replay", type=int, default=10_000, help="events replayed")
    parser.add_argument("--storms", type=int, default=7, help="storm-count fault mixes")
    parser.add_argument("--storm-failures", type=int, default=60, help="failures per storm")
    parser.add_argument("--frozen", type=int, default=7, help="frozen-resource fault mixes")
    parser.add_argument("--content", type=int, default=200, help="hostile-content tasks")
    args = parser.parse_args()
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-west-2",
    }.items():
        os.environ[name] = value
    logging.getLogger("ecs_events").disabled = True
    if args.mixes:
        fault_mixes(args.mixes, args.tasks)
    if args.incidents:
        incident_mixes(args.incidents, families=6, failures=20)
    if args.hostile:
        hostile(args.hostile)
    if args.replay:
        replays(args.replay)
    if args.storms:
        storm_counts(args.storms, args.storm_failures)
    if args.frozen:
        frozen_resources(args.frozen, args.tasks)
    if args.content:
        hostile_content(args.content)


if __name__ == "__main__":
    main()
