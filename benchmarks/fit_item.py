"""Time fit_item on records with many tiny containers, the case that was quadratic.

.venv/bin/python -m benchmarks.fit_item [--containers 1000 8000 80000]
"""

from __future__ import annotations

import argparse
import time

from ecs_events.state import fit_item

TASK_ARN = "arn:aws:ecs:us-west-2:111122223333:task/default/4fd8ba3eb0ae4bb4a3fa8d2e39d79c4a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--containers", type=int, nargs="+", default=[1000, 8000, 80000])
    args = parser.parse_args()
    print("| containers | kept | omitted | fit_item time |")
    print("|---|---|---|---|")
    for count in args.containers:
        containers = [{"name": "c", "exitCode": 1, "reason": "x" * 8} for _ in range(count)]
        record = {"taskArn": TASK_ARN, "version": 6, "containers": containers}
        started = time.perf_counter()
        fitted = fit_item(record)
        elapsed = time.perf_counter() - started
        omitted = fitted.get("containersOmitted", 0)
        print(f"| {count} | {count - omitted} | {omitted} | {elapsed * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
