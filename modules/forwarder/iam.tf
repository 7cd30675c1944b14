# --- the role EventBridge uses to put events on the central bus ---------------------------

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    # Only the forwarding rule may use the role (confused-deputy guard): EventBridge sets
    # aws:SourceArn to the rule's ARN,
    # https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-conditions.html
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_cloudwatch_event_rule.this.arn]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = local.role_name
  description        = "Lets EventBridge forward ECS events of ${data.aws_region.current.id} to ${var.central_bus_arn}"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "this" {
  statement {
    sid       = "PutEventsOnCentralBus"
    actions   = ["events:PutEvents"]
    resources = [var.central_bus_arn]
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "forward"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

# --- the read-only role the central reconciler assumes (once per account) -----------------

data "aws_iam_policy_document" "read_assume" {
  count = var.read_role == null ? 0 : 1

  statement {
    actions = ["sts:AssumeRole"]

    # The central reconciler's role and nobody else.
    principals {
      type        = "AWS"
      identifiers = [var.read_role.trusted_role_arn]
    }
  }
}

resource "aws_iam_role" "read" {
  count = var.read_role == null ? 0 : 1

  name                 = var.read_role.name
  description          = "Lets ${var.read_role.trusted_role_arn} read this account's ECS clusters to heal the central mirror"
  assume_role_policy   = data.aws_iam_policy_document.read_assume[0].json
  max_session_duration = 3600
  tags                 = var.tags
}

module "read_ecs" {
  source = "../ecs_read_policy"
  count  = var.read_role == null ? 0 : 1

  # Any region: the role is global and the reconciler reads every member region.
  cluster_arns  = length(var.read_role.cluster_arns) == 0 ? ["arn:${data.aws_partition.current.partition}:ecs:*:*:cluster/*"] : var.read_role.cluster_arns
  list_clusters = length(var.read_role.cluster_arns) == 0
}

resource "aws_iam_role_policy" "read" {
  count = var.read_role == null ? 0 : 1

  name   = "read-ecs"
  role   = aws_iam_role.read[0].id
  policy = module.read_ecs[0].json
}
