output "alarm_arn" {
  description = "ARN of the alarm on messages in the queue."
  value       = aws_cloudwatch_metric_alarm.this.arn
}

output "arn" {
  description = "ARN of the dead-letter queue."
  value       = aws_sqs_queue.this.arn
}

output "name" {
  description = "Name of the dead-letter queue."
  value       = aws_sqs_queue.this.name
}

output "url" {
  description = "URL of the dead-letter queue."
  value       = aws_sqs_queue.this.url
}
