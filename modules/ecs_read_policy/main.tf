# Read-only ECS, as narrow as ECS allows: listings and descriptions of the given clusters
# only (the ecs:cluster condition), plus ListClusters when the reader must find them.
# Used by the reconciler's own role and by the read role a member account lends it
# (modules/forwarder), so both read exactly the same way.

locals {
  # task/<cluster>/<id> and container-instance/<cluster>/<id>: the ARN format with the
  # cluster name, the only one ECS issues since 2021.
  member_arns = {
    for kind in ["task", "container-instance"] : kind => [
      for arn in var.cluster_arns :
      "${split(":cluster/", arn)[0]}:${kind}/${split(":cluster/", arn)[1]}/*"
    ]
  }
}

data "aws_iam_policy_document" "this" {
  #checkov:skip=CKV_AWS_356:ecs:ListTasks has no resource ARN to name before the tasks are listed and ecs:ListClusters has no resource type; ListTasks is held to the clusters by the ecs:cluster condition.
  #checkov:skip=CKV_AWS_111:Every action here is a read; none writes.
  dynamic "statement" {
    for_each = var.list_clusters ? [1] : []
    content {
      sid       = "ListClusters"
      actions   = ["ecs:ListClusters"]
      resources = ["*"]
    }
  }

  statement {
    sid       = "ListContainerInstances"
    actions   = ["ecs:ListContainerInstances"]
    resources = var.cluster_arns
  }

  statement {
    sid       = "ListTasks"
    actions   = ["ecs:ListTasks"]
    resources = ["*"]

    condition {
      test     = "ArnLike"
      variable = "ecs:cluster"
      values   = var.cluster_arns
    }
  }

  statement {
    sid       = "DescribeTasks"
    actions   = ["ecs:DescribeTasks"]
    resources = local.member_arns["task"]

    condition {
      test     = "ArnLike"
      variable = "ecs:cluster"
      values   = var.cluster_arns
    }
  }

  statement {
    sid       = "DescribeContainerInstances"
    actions   = ["ecs:DescribeContainerInstances"]
    resources = local.member_arns["container-instance"]

    condition {
      test     = "ArnLike"
      variable = "ecs:cluster"
      values   = var.cluster_arns
    }
  }
}
