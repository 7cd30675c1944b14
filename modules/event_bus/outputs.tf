output "arn" {
  description = "ARN of the central event bus: the target of every member's forwarding rule."
  value       = aws_cloudwatch_event_bus.this.arn
}

output "name" {
  description = "Name of the central event bus, which the module's rules attach to."
  value       = aws_cloudwatch_event_bus.this.name
}

output "policy_json" {
  description = "The bus's resource policy: who may put events on it."
  value       = data.aws_iam_policy_document.this.json
}
