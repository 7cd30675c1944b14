"""`ecs-events incidents`: open and recent incidents, or one of them.

The handler keeps each subject's current incident in the alerts table (key
"incident/<account>/<region>/<cluster>/<kind>/<name>") and a resolved one that a newer
incident replaced under "incident-log/<id>", for 30 days (the table's TTL).
"""

from __future__ import annotations

import argparse
import sys

from .. import aws, queries, render
from ..errors import NOT_FOUND

HELP = "open and recent incidents (what, since when, how many failures, state), or one by ID"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("incident", nargs="?", help="an incident ID: show that one")
    parser.add_argument(
        "--alert-table",
        help="the alerts table, wins over --name (default: $ALERT_TABLE_NAME, else <name>-alerts)",
    )
    parser.add_argument("--open", action="store_true", help="only incidents still open")
    parser.add_argument("--json", action="store_true", help="the items as JSON, for machines")


def run(args: argparse.Namespace, env: dict[str, str]) -> int:
    table = aws.alert_table(args, env)
    args.target.subject = f"table {table}"
    # A scan by design: incidents are a few items among the alert keys, read by a person.
    items = queries.incidents(aws.client(args, "dynamodb"), table)
    if args.incident:
        found = [item for item in items if item.get("incidentId") == args.incident]
        if not found:
            print(
                f"ecs-events: incident {render.clean(args.incident)} is not in {table}",
                file=sys.stderr,
            )
            return NOT_FOUND
        if args.json:
            render.print_json(found[0])
        else:
            print(render.render_incident(found[0]))
        return 0
    if args.open:
        items = [item for item in items if item.get("status") != "resolved"]
    if args.json:
        render.print_json(items)
    else:
        print(render.render_incidents(items, colour=render.use_colour(sys.stdout, env)))
    return 0
