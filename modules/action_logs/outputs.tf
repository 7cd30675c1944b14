output "log_group_names" {
  description = "The Action Logs group of each cluster ARN."
  value       = { for arn, cluster in local.clusters : arn => cluster.log_group }
}

output "log_type" {
  description = "The delivery source's log type (from CloudWatch Logs' PutDeliverySource reference; unverified on AWS)."
  value       = local.log_type
}

output "query_definition_names" {
  description = "Names of the saved Logs Insights queries (deployment errors, one deployment's timeline)."
  value = [
    aws_cloudwatch_query_definition.deployment_errors.name,
    aws_cloudwatch_query_definition.deployment_timeline.name,
  ]
}
