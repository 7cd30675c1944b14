output "container_instance_table_arn" {
  description = "ARN of the container-instance state table (key containerInstanceArn)."
  value       = aws_dynamodb_table.this["container-instances"].arn
}

output "container_instance_table_name" {
  description = "Name of the container-instance state table."
  value       = aws_dynamodb_table.this["container-instances"].name
}

output "task_table_arn" {
  description = "ARN of the task state table (key taskArn)."
  value       = aws_dynamodb_table.this["tasks"].arn
}

output "task_table_index_names" {
  description = "Names of the task table's query indexes; empty when query_indexes is false."
  value       = sort(keys(local.task_indexes))
}

output "task_table_name" {
  description = "Name of the task state table."
  value       = aws_dynamodb_table.this["tasks"].name
}
