"""Terraform's part: apply examples/local (the real module, every endpoint on the emulator)
in a working copy, and destroy it again, quickly."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from devkit.terraform import Workspace, copy_sources

from . import events as demo_events
from .screen import Screen

EXAMPLE = Path("examples") / "local"

# Resource kinds named after the apply, for a sense of what the module made.
SHOWN_RESOURCE_KINDS = ("dynamodb_table", "sqs_queue", "cloudwatch_event_rule", "lambda_function")

# Resources that only set an attribute of an SQS queue. Deleting one makes the provider
# wait about 25 s for the change to propagate (six equal reads, five seconds apart); the
# queue's own deletion takes its attributes with it.
QUEUE_ATTRIBUTE_RESOURCES = ("aws_sqs_queue_policy",)


class Stack:
    def __init__(self, workdir: Path, screen: Screen) -> None:
        self.sources = workdir / "terraform"
        self.screen = screen
        self.workspace: Workspace | None = None
        self.applying = False

    def apply(self, emulator_url: str) -> dict[str, Any]:
        sources = copy_sources(self.sources)
        self.workspace = Workspace(sources / EXAMPLE)
        self.screen.detail(f"working copy: {self.workspace.directory}")
        # One variables file in the working copy, read by every terraform command there
        # (apply and destroy alike). The rule takes the demo cluster only; an event of
        # another cluster shows that.
        variables = {
            "emulator_url": emulator_url,
            "region": demo_events.REGION,
            "cluster_arns": [demo_events.cluster_arn()],
        }
        (self.workspace.directory / "demo.auto.tfvars.json").write_text(
            json.dumps(variables, indent=2)
        )
        self.workspace.init()
        self.applying = True
        self.workspace.apply()
        outputs: dict[str, Any] = self.workspace.outputs()["ecs_events"]
        created = self.workspace.state_addresses()
        kinds = Counter(address.split(".")[-2].removeprefix("aws_") for address in created)
        self.screen.detail(
            f"{len(created)} resources, among them "
            + ", ".join(f"{kinds[k]} {k}" for k in SHOWN_RESOURCE_KINDS if kinds[k])
        )
        return outputs

    @property
    def package(self) -> Path:
        """The zip Terraform uploaded: copy_sources keeps the tree's shape."""
        return self.sources / "dist" / "ecs_events.zip"

    def destroy(self) -> bool:
        """Destroys what apply made; False when there was nothing to destroy."""
        if self.workspace is None or not self.applying:
            return False
        forgotten = forget_queue_attributes(self.workspace)
        if forgotten:
            self.screen.detail(
                f"Dropped {forgotten} SQS policy resources from the state first: they go"
            )
            self.screen.detail(
                "with their queues, and the provider would wait ~25 s to see each removal settle."
            )
        self.workspace.destroy()
        return True


def forget_queue_attributes(workspace: Workspace) -> int:
    """Drops the queue-attribute resources from the state before a destroy (see above)."""
    addresses = [
        a for a in workspace.state_addresses() if a.split(".")[-2] in QUEUE_ATTRIBUTE_RESOURCES
    ]
    workspace.forget(addresses)
    return len(addresses)
