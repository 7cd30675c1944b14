output "json" {
  description = "The read-only ECS policy document (JSON)."
  value       = data.aws_iam_policy_document.this.json
}
