"""Metric lines in CloudWatch's embedded metric format (EMF): a JSON log line that
CloudWatch Logs turns into metrics, with no PutMetricData call and no extra permission.
https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence


def emf_line(
    namespace: str,
    dimension_sets: Sequence[Sequence[str]],
    properties: Mapping[str, object],
    counts: Mapping[str, int],
    now: float,
) -> str:
    """One EMF line: `counts` (unit Count) under `namespace` for each set of dimensions.
    `properties` holds the dimensions' values and any other field the line carries."""
    return json.dumps(
        {
            "_aws": {
                "Timestamp": int(now * 1000),
                "CloudWatchMetrics": [
                    {
                        "Namespace": namespace,
                        "Dimensions": [list(names) for names in dimension_sets],
                        "Metrics": [{"Name": name, "Unit": "Count"} for name in counts],
                    }
                ],
            },
            **properties,
            **counts,
        }
    )


def print_line(line: str) -> None:
    """EMF lines go to stdout as they are: on Lambda, stdout is the function's log."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
