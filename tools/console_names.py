"""The ECS console's names for a cluster's History capture, written independently of the
Terraform in modules/console_history/naming, to check it against."""

from __future__ import annotations

import hashlib

BITCOIN_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def base58btc(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    digits = ""
    while number:
        number, digit = divmod(number, 58)
        digits = BITCOIN_ALPHABET[digit] + digits
    leading_zero_bytes = len(data) - len(data.lstrip(b"\0"))
    return "1" * leading_zero_bytes + digits


def base58_sha256(value: str) -> str:
    return base58btc(hashlib.sha256(value.encode()).digest())


def console_rule_name(cluster_arn: str) -> str:
    cluster = cluster_arn.split("/", 1)[1]
    # The console hashes the ARN as a JSON string: wrapped in literal double quotes.
    quoted = '"' + cluster_arn + '"'
    return f"EventsToLogs-{cluster[:6]}-{base58_sha256(quoted)}"


def console_log_group(cluster_arn: str) -> str:
    return f"/aws/events/ecs/containerinsights/{cluster_arn.split('/', 1)[1]}/performance"
