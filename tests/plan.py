"""Read `terraform show -json` output of a plan."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Resource:
    address: str
    type: str
    name: str
    values: dict[str, Any]


class Plan:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.resources = list(_walk(document["planned_values"]["root_module"]))

    def of_type(self, resource_type: str) -> list[Resource]:
        return [r for r in self.resources if r.type == resource_type]

    def one(self, resource_type: str, address_contains: str = "") -> Resource:
        found = [r for r in self.of_type(resource_type) if address_contains in r.address]
        assert len(found) == 1, f"expected one {resource_type} ~ {address_contains!r}: {found}"
        return found[0]

    def policy_documents(self, resource_type: str) -> list[tuple[str, dict[str, Any]]]:
        """(address, parsed JSON policy) of every resource of that type with a `policy`."""
        return [
            (r.address, json.loads(r.values["policy"]))
            for r in self.of_type(resource_type)
            if r.values.get("policy")
        ]


def _walk(module: dict[str, Any]) -> Iterator[Resource]:
    for resource in module.get("resources", []):
        if resource.get("mode") == "managed":
            yield Resource(
                resource["address"], resource["type"], resource["name"], resource.get("values", {})
            )
    for child in module.get("child_modules", []):
        yield from _walk(child)


def module_configuration(plan: Plan, *calls: str) -> dict[str, Any]:
    """Configuration of a nested module call: module_configuration(p, "ecs_events", "state")."""
    module = plan.document["configuration"]["root_module"]
    for call in calls:
        module = module["module_calls"][call]["module"]
    return dict(module)


def statement_resource_references(module: dict[str, Any], address: str) -> dict[str, set[str]]:
    """{sid: references of its `resources`} for the static statements of a policy document.

    Policies that name resources created in the same apply are unknown at plan time,
    so scoping is checked on what the configuration references. A literal resource
    (such as "*") shows up as the key "constant".
    """
    (document,) = [r for r in module["resources"] if r["address"] == address]
    scoped: dict[str, set[str]] = {}
    for statement in document["expressions"].get("statement", []):
        resources = statement.get("resources", {})
        refs = {r for r in resources.get("references", []) if "." in r.split("[")[0]}
        if "constant_value" in resources:
            refs.add("constant")
        scoped[statement["sid"]["constant_value"]] = refs
    return scoped
