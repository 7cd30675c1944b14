output "alert_topic_arn" {
  description = "ARN of the SNS topic that receives an alert per failed run (created here or passed in)."
  value       = var.alert_topic_arn == null ? aws_sns_topic.alerts[0].arn : var.alert_topic_arn
}

output "failed_runs_alarm_arn" {
  description = "ARN of the alarm on failed, timed-out and aborted executions."
  value       = aws_cloudwatch_metric_alarm.failed_runs.arn
}

output "lease_key" {
  description = "The job's key (lockId) in the lease table."
  value       = var.name
}

output "lease_table_arn" {
  description = "ARN of the lease table (created here or passed in)."
  value       = var.lease_table == null ? aws_dynamodb_table.lease[0].arn : var.lease_table.arn
}

output "lease_table_name" {
  description = "Name of the lease table (created here or passed in)."
  value       = var.lease_table == null ? aws_dynamodb_table.lease[0].name : var.lease_table.name
}

output "log_group_name" {
  description = "CloudWatch log group of the state machine's executions."
  value       = aws_cloudwatch_log_group.this.name
}

output "missed_run_alarm_arn" {
  description = "ARN of the alarm that fires when no run started (or succeeded) within the expected interval plus grace; null when missed_run is disabled or the schedule is at()."
  value       = local.missed_run_alarm ? aws_cloudwatch_metric_alarm.missed_run[0].arn : null
}

output "schedule_arn" {
  description = "ARN of the EventBridge Scheduler schedule that triggers the job."
  value       = aws_scheduler_schedule.this.arn
}

output "schedule_dead_letter_alarm_arn" {
  description = "ARN of the alarm on triggers in the dead-letter queue."
  value       = module.schedule_dead_letter.alarm_arn
}

output "schedule_dead_letter_queue_arn" {
  description = "ARN of the SQS queue that keeps triggers Scheduler could not deliver."
  value       = module.schedule_dead_letter.arn
}

output "schedule_role_arn" {
  description = "ARN of the role Scheduler assumes (may only start this state machine)."
  value       = aws_iam_role.scheduler.arn
}

output "skipped_runs_metric" {
  description = "Namespace, name and dimensions of the metric counting skipped runs, for alarms."
  value = {
    namespace   = var.metric_namespace
    metric_name = "SkippedRuns"
    dimensions  = { Job = var.name }
  }
}

output "state_machine_arn" {
  description = "ARN of the state machine that takes the lease and runs the task."
  value       = aws_sfn_state_machine.this.arn
}

output "state_machine_name" {
  description = "Name of the state machine."
  value       = aws_sfn_state_machine.this.name
}

output "state_machine_role_arn" {
  description = "ARN of the state machine's execution role."
  value       = aws_iam_role.state_machine.arn
}
