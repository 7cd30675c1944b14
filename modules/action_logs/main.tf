# ECS Action Logs of each chosen cluster (service-deployment and daemon decisions, with the
# reasons events lack) delivered by CloudWatch Logs' vended-log delivery into a group this
# module owns. https://docs.aws.amazon.com/AmazonECS/latest/developerguide/action-logs-getting-started.html
#
# The log type: CloudWatch Logs' API reference for PutDeliverySource lists "For Amazon ECS,
# the valid value is ACTION_LOGS"
# (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutDeliverySource.html),
# as does CloudFormation's AWS::ECS::Cluster log mixin; the ECS guide's CLI example writes
# EcsActionLogs. The API reference is followed. Unverified on AWS: the release check
# (tools/smoke.py) does not cover it yet, since a delivery source needs a real cluster.
#
# The groups live under /aws/events/ so that the event log's Logs resource policy
# (modules/history), which admits delivery.logs.amazonaws.com there, lets the delivery
# write: otherwise CreateDelivery appends the groups to the account-shared
# AWSLogDeliveryWrite20150319 policy, which `terraform destroy` never undoes
# (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-and-resource-policy.html).

locals {
  log_type = "ACTION_LOGS"

  clusters = { for arn in var.cluster_arns : arn => {
    name = split("/", arn)[1]
    # Delivery names: 1-60 of [\w-]; a cluster name is up to 255 characters, so the end
    # is a digest of the ARN, which keeps two long names apart.
    delivery_name = "${substr(var.name, 0, 20)}-${substr(split("/", arn)[1], 0, 28)}-${substr(sha256(arn), 0, 8)}"
    log_group     = "/aws/events/ecs/action-logs/${split("/", arn)[1]}"
  } }
}

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:retention_in_days is var.retention_days, the caller's choice.
  for_each = local.clusters

  name              = each.value.log_group
  retention_in_days = var.retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_cloudwatch_log_delivery_source" "this" {
  for_each = local.clusters

  name         = each.value.delivery_name
  log_type     = local.log_type
  resource_arn = each.key
  tags         = var.tags
}

resource "aws_cloudwatch_log_delivery_destination" "this" {
  for_each = local.clusters

  name = each.value.delivery_name
  delivery_destination_configuration {
    destination_resource_arn = aws_cloudwatch_log_group.this[each.key].arn
  }
  tags = var.tags
}

resource "aws_cloudwatch_log_delivery" "this" {
  for_each = local.clusters

  delivery_source_name     = aws_cloudwatch_log_delivery_source.this[each.key].name
  delivery_destination_arn = aws_cloudwatch_log_delivery_destination.this[each.key].arn
  tags                     = var.tags
}

# Saved Logs Insights queries over every cluster's Action Logs. Both record shapes AWS
# documents are read: the fields inside `detail`, or at the top level.
resource "aws_cloudwatch_query_definition" "deployment_errors" {
  name            = "${var.name}/action-logs/deployment-errors"
  log_group_names = [for cluster in local.clusters : cluster.log_group]

  query_string = <<-QUERY
    fields @timestamp, coalesce(detail.eventName, eventName) as event,
      coalesce(detail.serviceArn, serviceArn) as service,
      coalesce(detail.serviceDeploymentArn, serviceDeploymentArn) as deployment,
      coalesce(detail.statusReason, statusReason) as reason
    | filter coalesce(detail.eventType, eventType) = "ERROR" or event like /FAILED|ROLLBACK/
    | sort @timestamp desc
  QUERY

  depends_on = [aws_cloudwatch_log_group.this]
}

resource "aws_cloudwatch_query_definition" "deployment_timeline" {
  name            = "${var.name}/action-logs/deployment-timeline"
  log_group_names = [for cluster in local.clusters : cluster.log_group]

  # Replace DEPLOYMENT_ID with the end of the serviceDeploymentArn before running.
  query_string = <<-QUERY
    fields @timestamp, coalesce(detail.eventName, eventName) as event,
      coalesce(detail.status, status) as status,
      coalesce(detail.statusReason, statusReason) as reason
    | filter coalesce(detail.serviceDeploymentArn, serviceDeploymentArn) like /DEPLOYMENT_ID/
    | sort @timestamp asc
  QUERY

  depends_on = [aws_cloudwatch_log_group.this]
}
