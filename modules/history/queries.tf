# Saved CloudWatch Logs Insights queries over the event log. Each log event is one
# EventBridge event as JSON, so fields are the event's: `detail-type` (backquoted for the
# hyphen), detail.taskArn, detail.version... The time range is chosen when a query runs.
#
# In a fleet (member accounts forwarding to a central bus) the envelope's `account` and
# `region` are those of the ECS cluster, not of the central account. Every query shows
# them and filters on them: `account like /.*/ and region like /.*/` takes all; replace
# a `.*` with, say, ^444455556666$ or ^eu-west-1$ to keep one account or region.

resource "aws_cloudwatch_query_definition" "task_timeline" {
  name            = "${var.name}/task-timeline"
  log_group_names = [aws_cloudwatch_log_group.this.name]

  # Replace TASK_ID with the task's ID (the end of its ARN) before running.
  query_string = <<-QUERY
    fields @timestamp, account, region, detail.version as version, detail.lastStatus as lastStatus,
      detail.desiredStatus as desiredStatus, detail.stopCode as stopCode,
      detail.stoppedReason as stoppedReason, detail.containers.0.exitCode as exitCode
    | filter `detail-type` = "ECS Task State Change" and detail.taskArn like /TASK_ID/
    | filter account like /.*/ and region like /.*/
    | sort version asc
  QUERY
}

resource "aws_cloudwatch_query_definition" "failures" {
  name            = "${var.name}/failures"
  log_group_names = [aws_cloudwatch_log_group.this.name]

  # Run over the last 24 hours. A failure: a task that never started, a stopped task with
  # a non-zero exit or a known failure reason, or an ECS service or deployment error.
  query_string = <<-QUERY
    fields @timestamp, account, region, `detail-type` as kind, detail.clusterArn as cluster,
      coalesce(detail.taskArn, resources.0) as resource, detail.group as group,
      detail.stopCode as stopCode, detail.containers.0.exitCode as exitCode,
      coalesce(detail.stoppedReason, detail.reason, detail.eventName) as reason
    | filter (`detail-type` = "ECS Task State Change" and detail.lastStatus = "STOPPED"
        and (detail.stopCode = "TaskFailedToStart" or detail.containers.0.exitCode != 0
          or detail.stoppedReason like /(?i)health check|OutOfMemory|CannotPull|ResourceInitializationError/))
      or detail.eventType = "ERROR"
    | filter account like /.*/ and region like /.*/
    | sort @timestamp desc
  QUERY
}

resource "aws_cloudwatch_query_definition" "stops_by_family" {
  name            = "${var.name}/stops-by-family"
  log_group_names = [aws_cloudwatch_log_group.this.name]

  # Deliveries are at least once: distinct task ARNs, not events, are counted.
  query_string = <<-QUERY
    filter `detail-type` = "ECS Task State Change" and detail.lastStatus = "STOPPED"
    | filter account like /.*/ and region like /.*/
    | parse detail.taskDefinitionArn /:task-definition\/(?<family>[^:]+):/
    | stats count_distinct(detail.taskArn) as stoppedTasks by family, detail.stopCode, account, region
    | sort stoppedTasks desc
  QUERY
}

resource "aws_cloudwatch_query_definition" "events_by_account" {
  name            = "${var.name}/events-by-account"
  log_group_names = [aws_cloudwatch_log_group.this.name]

  # Which accounts and regions report, and when each last did: a member whose forwarder
  # stopped shows an old lastEvent (or is missing).
  query_string = <<-QUERY
    filter account like /.*/ and region like /.*/
    | stats count(*) as events, max(@timestamp) as lastEvent by account, region, `detail-type`
    | sort lastEvent asc
  QUERY
}
