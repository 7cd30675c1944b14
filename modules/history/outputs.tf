output "dead_letter_queue_arn" {
  description = "ARN of the queue that keeps events the log group could not take."
  value       = module.dead_letter.arn
}

output "log_group_arn" {
  description = "ARN of the event log group."
  value       = aws_cloudwatch_log_group.this.arn
}

output "log_group_name" {
  description = "Name of the event log group: every ECS event of the selected clusters, as JSON."
  value       = aws_cloudwatch_log_group.this.name
}

output "log_resource_policy_json" {
  description = "The CloudWatch Logs resource policy EventBridge needs to write the event log, for accounts that keep one policy for the region themselves."
  value       = data.aws_iam_policy_document.log_delivery.json
}

output "query_definition_names" {
  description = "Names of the saved Logs Insights queries (task timeline, failures, stops by family, events by account and region)."
  value = [
    aws_cloudwatch_query_definition.task_timeline.name,
    aws_cloudwatch_query_definition.failures.name,
    aws_cloudwatch_query_definition.stops_by_family.name,
    aws_cloudwatch_query_definition.events_by_account.name,
  ]
}

output "rule_arn" {
  description = "ARN of the EventBridge rule that sends ECS events to the log group."
  value       = aws_cloudwatch_event_rule.this.arn
}
