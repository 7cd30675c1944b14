output "alarm_arn" {
  description = "ARN of the failure alarm, or null when it is off."
  value       = var.alarm.enabled ? aws_cloudwatch_metric_alarm.failures[0].arn : null
}

output "event_patterns" {
  description = "EventBridge patterns (JSON strings) of the service, instance, daemon and hook events that can alert, by purpose, for the handler's rules; task failures ride on its state-change rule."
  value       = merge(local.event_patterns, local.recovery_patterns)
}

output "handler_environment" {
  description = "The environment the handler reads its alert settings from (ALERT_*)."
  value       = local.handler_environment
}

output "incident_schedule_group_name" {
  description = "Schedule group of the incidents' quiet-period wake-ups, or null when they are off."
  value       = local.wake ? aws_scheduler_schedule_group.incidents[0].name : null
}

output "incident_wake_role_arn" {
  description = "Role EventBridge Scheduler runs the wake-ups as (it may only send to the handler's queue), or null when they are off."
  value       = local.wake ? aws_iam_role.incident_wake[0].arn : null
}

output "publisher_policy_json" {
  description = "IAM policy the publisher needs: publish to the topic, remember sent alerts."
  value       = data.aws_iam_policy_document.publisher.json
}

output "table_arn" {
  description = "ARN of the sent-alerts table."
  value       = aws_dynamodb_table.sent.arn
}

output "table_name" {
  description = "Name of the sent-alerts table (key alertKey)."
  value       = aws_dynamodb_table.sent.name
}

output "topic_arn" {
  description = "ARN of the topic alerts are published to (created or given)."
  value       = local.topic_arn
}
