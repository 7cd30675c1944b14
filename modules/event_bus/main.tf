# The central bus of a fleet: member accounts forward their ECS events here
# (modules/forwarder) and the module's rules consume them. Only the principals named
# below may PutEvents to it; a bus policy admits an organisation, OUs or accounts:
# https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html
# Condition keys aws:PrincipalOrgID and aws:PrincipalOrgPaths (multi-valued, hence
# ForAnyValue): https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
# The policy may hold at most 10,240 characters (EventBridge quotas,
# https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html); an
# organisation or OU condition stays a few hundred, each listed account adds ~40.

resource "aws_cloudwatch_event_bus" "this" {
  name = var.name
  # A customer key encrypts the rules' patterns and targets (events of AWS services keep
  # an AWS owned key); its policy must let events.amazonaws.com DescribeKey,
  # GenerateDataKey and Decrypt:
  # https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-key-policy.html
  kms_key_identifier = var.kms_key_arn
  tags               = var.tags
}

data "aws_iam_policy_document" "this" {
  dynamic "statement" {
    for_each = var.organization_id == null ? [] : [var.organization_id]
    content {
      sid       = "OrganizationPutsEvents"
      actions   = ["events:PutEvents"]
      resources = [aws_cloudwatch_event_bus.this.arn]

      principals {
        type        = "*"
        identifiers = ["*"]
      }

      condition {
        test     = "StringEquals"
        variable = "aws:PrincipalOrgID"
        values   = [statement.value]
      }
    }
  }

  dynamic "statement" {
    for_each = length(var.organizational_unit_paths) == 0 ? [] : [var.organizational_unit_paths]
    content {
      sid       = "OrganizationalUnitsPutEvents"
      actions   = ["events:PutEvents"]
      resources = [aws_cloudwatch_event_bus.this.arn]

      principals {
        type        = "*"
        identifiers = ["*"]
      }

      condition {
        test     = "ForAnyValue:StringLike"
        variable = "aws:PrincipalOrgPaths"
        values   = statement.value
      }
    }
  }

  dynamic "statement" {
    for_each = length(var.account_ids) == 0 ? [] : [var.account_ids]
    content {
      sid       = "AccountsPutEvents"
      actions   = ["events:PutEvents"]
      resources = [aws_cloudwatch_event_bus.this.arn]

      principals {
        type        = "AWS"
        identifiers = [for account in statement.value : "arn:${data.aws_partition.current.partition}:iam::${account}:root"]
      }
    }
  }
}

data "aws_partition" "current" {}

resource "aws_cloudwatch_event_bus_policy" "this" {
  event_bus_name = aws_cloudwatch_event_bus.this.name
  policy         = data.aws_iam_policy_document.this.json
}
