output "alarm_arns" {
  description = "ARNs of the self-monitoring alarms, by what they watch (rule alarms as rule-<purpose>)."
  value = merge(
    {
      handler_errors     = aws_cloudwatch_metric_alarm.handler_errors.arn
      handler_throttles  = aws_cloudwatch_metric_alarm.handler_throttles.arn
      oldest_message_age = aws_cloudwatch_metric_alarm.oldest_message_age.arn
    },
    { for purpose, alarm in aws_cloudwatch_metric_alarm.failed_invocations : "rule-${purpose}" => alarm.arn },
  )
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard of the pipeline (the deployment's name and region)."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}
