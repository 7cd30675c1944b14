output "alarm_arns" {
  description = "ARNs of the self-monitoring alarms, by what they watch (handler-errors, handler-throttles, queue-oldest-message-age, rule-<purpose>-failed-invocations)."
  value       = { for key, alarm in aws_cloudwatch_metric_alarm.this : key => alarm.arn }
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard of the pipeline (the deployment's name and region)."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}
