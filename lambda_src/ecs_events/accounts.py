"""Which credentials read which cluster in a fleet of accounts and regions.

The central account reads a member account's clusters through a read-only role that the
member lends it (modules/forwarder `read_role`, trusted only by the central reconciler's
role). A cluster ARN names its account and region, so the plan of a run is pure: group the
clusters by (account, region) and pick the role of that account, or the function's own
credentials for its own account. With no cluster named, every cluster is listed: the
function's own region with its own credentials, and each member role in each member region.

One AssumeRole per member account per run (STS sessions last an hour by default, longer
than a run may take: the reconciler's timeout is at most 15 minutes); one ECS client per
(role, region). Used by the reconciler and by `ecs-events backfill`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

# Re-exported for `ecs-events backfill`, which reads them from here.
from .ecs import arn_account as arn_account
from .ecs import arn_region as arn_region

SESSION_NAME = "ecs-events-reconciler"


@dataclass(frozen=True)
class Target:
    """Clusters read with one set of credentials in one region.

    role_arn None means the caller's own credentials; clusters None means every cluster
    that ListClusters returns there."""

    role_arn: str | None
    region: str
    clusters: tuple[str, ...] | None


def member_role_arns(
    role_arns: Iterable[str],
    role_name: str | None = None,
    account_ids: Iterable[str] = (),
    partition: str = "aws",
) -> list[str]:
    """A list of role ARNs, or a role name plus the account list, as one list."""
    arns = [arn for arn in role_arns if arn]
    accounts = [account for account in account_ids if account]
    if accounts and not role_name:
        raise ValueError("member account ids need the name of the read role in each of them")
    arns += [f"arn:{partition}:iam::{account}:role/{role_name}" for account in accounts]
    for arn in arns:
        if ":role/" not in arn:
            raise ValueError(f"not an IAM role ARN: {arn!r}")
    return list(dict.fromkeys(arns))


def plan(
    cluster_arns: Iterable[str],
    role_arns: Iterable[str],
    member_regions: Iterable[str],
    own_region: str,
) -> list[Target]:
    """The targets of one run, in a stable order."""
    roles = {arn_account(arn): arn for arn in role_arns}
    clusters = list(dict.fromkeys(cluster_arns))
    if clusters:
        grouped: dict[tuple[str | None, str], list[str]] = {}
        for arn in clusters:
            grouped.setdefault((roles.get(arn_account(arn)), arn_region(arn)), []).append(arn)
        return [Target(role, region, tuple(arns)) for (role, region), arns in grouped.items()]
    regions = list(dict.fromkeys(member_regions)) or [own_region]
    return [Target(None, own_region, None)] + [
        Target(role, region, None) for role in roles.values() for region in regions
    ]


class EcsClients:
    """ECS clients per (role, region), the role assumed once per run.

    `make_client(service, region, credentials)` builds a client; credentials is None for
    the caller's own, or the keys of an assumed role."""

    def __init__(
        self,
        sts: Any,
        make_client: Callable[[str, str, dict[str, str] | None], Any],
        session_name: str = SESSION_NAME,
    ) -> None:
        self.sts = sts
        self.make_client = make_client
        self.session_name = session_name
        self._credentials: dict[str, dict[str, str]] = {}
        self._clients: dict[tuple[str | None, str], Any] = {}

    def __call__(self, role_arn: str | None, region: str) -> Any:
        key = (role_arn, region)
        if key not in self._clients:
            credentials = None if role_arn is None else self._assume(role_arn)
            self._clients[key] = self.make_client("ecs", region, credentials)
        return self._clients[key]

    def _assume(self, role_arn: str) -> dict[str, str]:
        if role_arn not in self._credentials:
            response = self.sts.assume_role(RoleArn=role_arn, RoleSessionName=self.session_name)
            keys = response["Credentials"]
            self._credentials[role_arn] = {
                "aws_access_key_id": keys["AccessKeyId"],
                "aws_secret_access_key": keys["SecretAccessKey"],
                "aws_session_token": keys["SessionToken"],
            }
        return self._credentials[role_arn]
