# The name the ECS console gives the EventBridge rule behind a cluster's History tab, and
# looks for to decide whether capture is on:
#   EventsToLogs-<first 6 characters of the cluster name>-<base58btc(SHA-256("\"<cluster ARN>\""))>
# (the ARN wrapped in literal double quotes; Bitcoin alphabet; one leading "1" per leading
# zero byte of the digest). There is no API for it (terraform-provider-aws#44653), so the
# console's algorithm is recomputed here in plain Terraform, with no provider at all.
#
# sha256() gives the digest as hex and parseint(hex, 16) is exact (Terraform numbers are
# arbitrary precision), so the base58 digits are floor(n / 58^i) % 58 for i = 43..0: a
# 256-bit number has at most 44 base58 digits (58^44 > 2^256). 58^i itself is exact as
# parseint("1000...", 58), where pow() would go through a float64.

locals {
  bitcoin_alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
  powers_of_58     = [for i in range(44) : parseint("1${substr("0000000000000000000000000000000000000000000", 0, i)}", 58)]

  digests = { for value in distinct(concat(var.strings, [for arn in var.cluster_arns : "\"${arn}\""])) : value => sha256(value) }

  base58_sha256 = { for value, hex in local.digests : value => format("%s%s",
    # Two leading hex zeros are one leading zero byte, written as one "1".
    substr("11111111111111111111111111111111", 0, floor(length(regex("^0*", hex)) / 2)),
    # Leading zero digits ("1") of the 44 are not part of the number.
    replace(join("", [
      for i in range(43, -1, -1) : substr(local.bitcoin_alphabet, floor(parseint(hex, 16) / local.powers_of_58[i]) % 58, 1)
    ]), "/^1+/", ""),
  ) }

  rule_names = { for arn in var.cluster_arns : arn => format("EventsToLogs-%s-%s",
    substr(split("/", arn)[1], 0, 6),
    local.base58_sha256["\"${arn}\""],
  ) }
}
