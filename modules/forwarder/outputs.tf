output "console_history_rule_names" {
  description = "The console-named EventBridge rule (EventsToLogs-...) of each cluster ARN (empty unless console_history is enabled)."
  value       = var.console_history.enabled ? module.console_history[0].rule_names : {}
}

output "dead_letter_queue_arn" {
  description = "ARN of the queue that keeps events the central bus did not take."
  value       = module.dead_letter.arn
}

output "read_role_arn" {
  description = "ARN of the read-only role for the central reconciler (its reconciler.members.role_arns), or null when read_role is null."
  value       = var.read_role == null ? null : aws_iam_role.read[0].arn
}

output "role_arn" {
  description = "ARN of the role EventBridge uses to put events on the central bus."
  value       = aws_iam_role.this.arn
}

output "rule_arn" {
  description = "ARN of the rule on the default bus that forwards ECS events."
  value       = aws_cloudwatch_event_rule.this.arn
}
