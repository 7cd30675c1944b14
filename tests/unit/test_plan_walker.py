"""devkit.plan.module_resources: the one walker of `terraform show -json` module trees."""

from __future__ import annotations

from typing import Any

from devkit.plan import managed_resources, module_resources


def resource(address: str, mode: str = "managed") -> dict[str, Any]:
    return {"address": address, "mode": mode, "type": "aws_sqs_queue", "name": "this"}


TREE: dict[str, Any] = {
    "root_module": {
        "resources": [resource("aws_sqs_queue.root")],
        "child_modules": [
            {
                "address": "module.a",
                "resources": [resource("module.a.aws_sqs_queue.this")],
                "child_modules": [
                    {
                        "address": "module.a.module.b",
                        "resources": [resource("module.a.module.b.data.x.this", mode="data")],
                    }
                ],
            },
            {"address": "module.c", "resources": [resource("module.c.aws_sqs_queue.this")]},
        ],
    }
}


def test_every_depth_is_walked_own_resources_first() -> None:
    assert [r["address"] for r in module_resources(TREE)] == [
        "aws_sqs_queue.root",
        "module.a.aws_sqs_queue.this",
        "module.a.module.b.data.x.this",
        "module.c.aws_sqs_queue.this",
    ]


def test_a_module_walks_like_the_values_that_hold_it() -> None:
    assert list(module_resources(TREE["root_module"])) == list(module_resources(TREE))


def test_managed_resources_leave_out_data_sources() -> None:
    assert "module.a.module.b.data.x.this" not in [r["address"] for r in managed_resources(TREE)]
