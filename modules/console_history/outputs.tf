output "log_group_names" {
  description = "The console's history log group of each cluster ARN."
  value       = { for arn, cluster in local.clusters : arn => cluster.log_group }
}

output "log_resource_policy_json" {
  description = "The Logs resource policy EventBridge needs to write these groups."
  value       = data.aws_iam_policy_document.log_delivery.json
}

output "rule_names" {
  description = "The console-named EventBridge rule of each cluster ARN."
  value       = { for arn, cluster in local.clusters : arn => cluster.rule_name }
}
