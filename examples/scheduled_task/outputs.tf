output "nightly_report_lease_table_name" {
  description = "Lease table of the nightly report job."
  value       = module.nightly_report.lease_table_name
}

output "nightly_report_schedule_arn" {
  description = "Schedule that triggers the nightly report."
  value       = module.nightly_report.schedule_arn
}

output "nightly_report_skipped_runs_topic_arn" {
  description = "SNS topic that hears about skipped nightly reports."
  value       = aws_sns_topic.skipped_runs.arn
}

output "nightly_report_state_machine_arn" {
  description = "State machine that runs the nightly report under its lease."
  value       = module.nightly_report.state_machine_arn
}
