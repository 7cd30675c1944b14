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
        self.resources = [
            Resource(r["address"], r["type"], r["name"], r.get("values", {}))
            for r in managed_resources(document["planned_values"])
        ]

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


def module_resources(module: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every resource (managed and data) of a module tree in `terraform show -json` output,
    the module's own first, then each child module's, depth first. `module` is a module, or
    the `planned_values` or `prior_state.values` that hold one as `root_module`: the one
    walker of plan trees (tests, benchmarks)."""
    module = module.get("root_module", module)
    yield from module.get("resources", [])
    for child in module.get("child_modules", []):
        yield from module_resources(child)


def managed_resources(module: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The resources of module_resources that Terraform manages (not data sources)."""
    return (r for r in module_resources(module) if r.get("mode") == "managed")


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


def data_source(plan: Plan, address_end: str) -> dict[str, Any]:
    """A data source read at plan time (its inputs all known), from the plan's prior state."""
    (found,) = [
        resource
        for resource in module_resources(plan.document["prior_state"]["values"])
        if resource["address"].endswith(address_end)
    ]
    return dict(found["values"])


def planned_statements(plan: Plan, address: str) -> dict[str, dict[str, Any]]:
    """{sid: statement} of a policy document as planned, statements of `dynamic` blocks
    included (the configuration, which statement_resource_references reads, leaves them
    out). Each statement has actions, principals ([(type, identifiers)]), conditions
    ([(test, variable, values)]) and resources: the list, or None while unknown (a resource
    created in the same apply). The document is read at plan time when its inputs are
    known (prior state), else planned as a read whose statement list must be known."""
    statements: Any = None
    for resource in module_resources(plan.document.get("prior_state", {}).get("values", {})):
        if resource["address"] == address:
            statements = resource["values"]["statement"]
    for change in plan.document.get("resource_changes", []):
        if change["address"] == address and "statement" in (change["change"]["after"] or {}):
            statements = change["change"]["after"]["statement"]
    assert statements is not None, f"{address}: no statement list known at plan time"
    return {
        statement["sid"]: {
            "actions": statement["actions"],
            "resources": None
            if None in (statement["resources"] or [None])
            else statement["resources"],
            "principals": [(p["type"], p["identifiers"]) for p in statement["principals"]],
            "conditions": [(c["test"], c["variable"], c["values"]) for c in statement["condition"]],
        }
        for statement in statements
    }
