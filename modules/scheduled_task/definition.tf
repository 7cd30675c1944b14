# The state machine, in Amazon States Language (JSONPath). Everything here is known at plan time
# (names and inputs, no resource ARNs), so tests can execute the planned definition.
#
# The lease is one item per job in DynamoDB, keyed by lockId = var.name:
#   ownerExecutionArn  the execution that holds the lease (absent when free)
#   acquiredAt         when the owner took it (ISO-8601, for people reading the table)
#   maxRunSeconds      the owner's task budget (for people reading the table)
#   runId              the owner's run, passed to RunTask as startedBy (finds a task whose ARN
#                      was never recorded)
#   taskArn            the task the owner started, recorded as soon as RunTask returns
#   lastSlot           the latest schedule slot a run was started for (kept after release)
#
# The lease covers the task, not the execution. The owner releases it only once its task is
# confirmed STOPPED (or never started). An owner that ends early (aborted, timed out, failed)
# leaves the lease held, and a later run takes it over only when DescribeTasks says the recorded
# task has stopped, or, with no task recorded, when ListTasks finds no running task started
# under the owner's runId. RunTask is called request-response (not .sync): .sync hides the task
# ARN until the task stops, and Step Functions does nothing to a request-response call's task
# when the execution ends (https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html),
# so the state machine watches the task itself (DescribeTasks every task_poll_seconds) and stops
# it (StopTask) on every path that gives up on it.
#
#   openIncident       the incident the job's failed runs opened (absent while none is open),
#   failedRuns         how many runs failed in it, incidentOpenedAt and lastFailureSlot its span,
#   resolvingBy        the successful execution that is sending its resolution
#
# Incidents: the first failed run opens one, later failed runs update it, the next run that
# succeeds resolves it with one message. Every message carries the SNS attributes the main
# module's alerts carry (incidentId, incidentState, kind, severity, cluster, account, region),
# so one filter policy matches both. Runs never overlap (the lease), so the job's incident
# needs no claim beyond resolvingBy, which makes the resolution's steps safe to retry.
#
# Skipped runs leave an item "<name>#skipped#<slot>" in the same table (who held the lease and
# since when), besides the SkippedRuns metric and the optional notice.

locals {
  lease_key = { lockId = { S = var.name } }

  # DynamoDB errors worth retrying; everything else fails the state at once.
  dynamodb_throttling_retry = {
    ErrorEquals     = ["DynamoDB.ProvisionedThroughputExceededException", "DynamoDB.RequestLimitExceeded", "DynamoDB.ThrottlingException"]
    IntervalSeconds = 1
    MaxAttempts     = 5
    BackoffRate     = 2
    JitterStrategy  = "FULL"
  }

  # Reading or stopping a task is safe to repeat, and so is RunTask with its clientToken.
  ecs_retry = {
    ErrorEquals     = ["Ecs.ServerException", "Ecs.ThrottlingException", "States.Timeout"]
    IntervalSeconds = 2
    MaxAttempts     = 4
    BackoffRate     = 2
    JitterStrategy  = "FULL"
  }

  lease_taken_values = {
    ":me"         = { "S.$" = "$$.Execution.Id" }
    ":acquiredAt" = { "S.$" = "$$.State.EnteredTime" }
    ":slot"       = { "S.$" = "$.lease.slot" }
    ":runId"      = { "S.$" = "$.lease.runId" }
    ":maxRun"     = { N = tostring(var.max_run_seconds) }
  }

  lease_taken_update = "SET ownerExecutionArn = :me, acquiredAt = :acquiredAt, lastSlot = :slot, maxRunSeconds = :maxRun, runId = :runId REMOVE taskArn"

  # Releasing keeps the item (and its lastSlot) and removes only the ownership, and only if this
  # execution still owns it.
  release_lease_parameters = {
    TableName                 = local.lease_table_name
    Key                       = local.lease_key
    UpdateExpression          = "REMOVE ownerExecutionArn, acquiredAt, taskArn, runId"
    ConditionExpression       = "ownerExecutionArn = :me"
    ExpressionAttributeValues = { ":me" = { "S.$" = "$$.Execution.Id" } }
  }

  # One release state per way a run ends, each going on to its end state whatever the
  # release did: a failed release (its condition or anything else) is not the run's failure,
  # since its task has stopped and a later run takes over a lease whose task has stopped.
  release_lease_states = {
    for state, end_state in {
      ReleaseLeaseAfterSuccess = "Succeeded"
      ReleaseLeaseAfterFailure = "RunFailed"
    } :
    state => {
      Type       = "Task"
      Resource   = "arn:aws:states:::dynamodb:updateItem"
      Parameters = local.release_lease_parameters
      ResultPath = null
      Retry      = [local.dynamodb_throttling_retry]
      Catch      = [{ ErrorEquals = ["States.ALL"], ResultPath = "$.releaseError", Next = end_state }]
      Next       = end_state
    }
  }

  # The AWS SDK integration, not the optimized one: only it passes clientToken, startedBy and
  # capacityProviderStrategy (https://docs.aws.amazon.com/step-functions/latest/dg/connect-ecs.html
  # lists the optimized integration's few parameters). Only the parameters that are set: ECS
  # rejects LaunchType together with a strategy.
  run_task_parameters = merge(
    {
      Cluster        = var.task.cluster_arn
      TaskDefinition = var.task.task_definition_arn
      PropagateTags  = "TASK_DEFINITION"
      # The slot names the start: a second RunTask for the same slot, even from a run that lost
      # the lease, returns the first task instead of starting another. ECS keeps a clientToken
      # for 24 hours and accepts up to 64 characters, which a SHA-256 in hex is
      # (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html).
      "ClientToken.$" = "States.Hash(States.Format('${var.name}|{}', $.lease.slot), 'SHA-256')"
      "StartedBy.$"   = "$.lease.runId"
      Overrides = {
        ContainerOverrides = [
          for override in var.task.container_overrides : merge(
            { Name = override.name },
            override.command == null ? {} : { Command = override.command },
            length(override.environment) == 0 ? {} : {
              Environment = [for key in sort(keys(override.environment)) : { Name = key, Value = override.environment[key] }]
            },
          )
        ]
      }
    },
    { for key, value in { LaunchType = var.task.launch_type, PlatformVersion = var.task.platform_version } : key => value if value != null },
    var.task.capacity_provider_strategy == null ? {} : {
      CapacityProviderStrategy = [
        for item in var.task.capacity_provider_strategy : { CapacityProvider = item.capacity_provider, Weight = item.weight, Base = item.base }
      ]
    },
    var.task.network_configuration == null ? {} : {
      NetworkConfiguration = {
        AwsvpcConfiguration = {
          Subnets        = var.task.network_configuration.subnets
          SecurityGroups = var.task.network_configuration.security_groups
          AssignPublicIp = var.task.network_configuration.assign_public_ip ? "ENABLED" : "DISABLED"
        }
      }
    },
  )

  # How many DescribeTasks polls max_run_seconds allows before the task is stopped.
  max_task_polls = ceil(var.max_run_seconds / var.task_poll_seconds)

  # A failure, whichever path found it, becomes $.failure = { kind, what, detail, task, release }
  # and goes through ExplainFailure, the alert and (if release) the lease release.
  task_console_url = "https://${local.region}.${local.console_domain}/ecs/v2/clusters/${local.cluster_name}/tasks/{}/configuration?region=${local.region}"
  task_link        = "States.Format('${local.task_console_url}', States.ArrayGetItem(States.StringSplit($.watch.taskArn, '/'), 2))"

  failure_states = {
    DescribeRunRefusal = {
      kind    = "RunTaskRefused"
      what    = "RunTask refused to start the task"
      detail  = "States.JsonToString($.run.failures)"
      task    = null
      release = true
    }
    DescribeRunError = {
      kind    = "RunTaskError"
      what    = "the RunTask call failed"
      detail  = "States.Format('{}: {}', $.error.Error, $.error.Cause)"
      task    = null
      release = true
    }
    DescribeStartFailure = {
      kind    = "TaskFailedToStart"
      what    = "the task stopped before container ${var.task.essential_container_name} reported an exit code"
      detail  = "$.stopped.reason"
      task    = local.task_link
      release = true
    }
    DescribeExitFailure = {
      kind    = "ContainerExitedNonZero"
      what    = "States.Format('container ${var.task.essential_container_name} exited with code {}', $.essential.ExitCode)"
      detail  = "$.stopped.reason"
      task    = local.task_link
      release = true
    }
    DescribeTimeout = {
      kind    = "RunTimedOut"
      what    = "the task ran longer than max_run_seconds (${var.max_run_seconds} s) and was stopped"
      detail  = "States.Format('StopTask sent to {}', $.watch.taskArn)"
      task    = local.task_link
      release = false
    }
    DescribeTaskGone = {
      kind    = "TaskNotFound"
      what    = "ECS no longer knows the task the run started"
      detail  = "DescribeTasks returned no task for it"
      task    = local.task_link
      release = true
    }
    DescribeAbandoned = {
      kind    = "TaskNotWatchable"
      what    = "the task could not be described, so it was stopped"
      detail  = "States.Format('{}: {}', $.error.Error, $.error.Cause)"
      task    = local.task_link
      release = false
    }
  }

  # Plain words for the reasons RunTask and ECS give and for exit codes: meanings.json, a
  # byte-for-byte copy of the main module's lambda_src/ecs_events/alerts/meanings.json
  # (a test compares them), so this module stays self-contained and both say the same.
  # First match wins; markers become StringMatches wildcards, so none may hold * or \.
  meanings = jsondecode(file("${path.module}/meanings.json"))
  reason_meanings = [
    for pair in concat(
      local.meanings.placement_reasons,
      local.meanings.run_task_failures,
      local.meanings.start_failures,
      local.meanings.state_machine_failures,
      local.meanings.stop_reasons,
    ) : ["*${pair[0]}*", pair[1]]
  ]
  # 0 is success here, never a failure to explain.
  exit_meanings = { for code, text in local.meanings.exit_codes : code => text if code != "0" }

  explain_states = merge(
    {
      ExplainFailure = {
        Type = "Choice"
        Choices = concat(
          [{ Variable = "$.failure.exitCode", IsPresent = true, Next = "ExplainExitCode" }],
          [for index, pair in local.reason_meanings : { Variable = "$.failure.detail", StringMatches = pair[0], Next = "ExplainReason${index}" }],
        )
        Default = "ExplainUnknown"
      }
      ExplainExitCode = {
        Type = "Choice"
        Choices = concat(
          [for code in sort(keys(local.exit_meanings)) : { Variable = "$.failure.exitCode", NumericEquals = tonumber(code), Next = "ExplainExit${code}" }],
          [{ And = [{ Variable = "$.failure.exitCode", NumericGreaterThan = 128 }, { Variable = "$.failure.exitCode", NumericLessThan = 160 }], Next = "ExplainSignal" }],
        )
        Default = "ExplainExitOther"
      }
      ExplainSignal    = { Type = "Pass", Parameters = { "text.$" = "States.Format('${local.meanings.exit_signal}', States.MathAdd($.failure.exitCode, -128))" }, ResultPath = "$.meaning", Next = "RecordIncident" }
      ExplainExitOther = { Type = "Pass", Parameters = { text = local.meanings.exit_other }, ResultPath = "$.meaning", Next = "RecordIncident" }
      ExplainUnknown   = { Type = "Pass", Parameters = { text = "no known explanation: see the execution history" }, ResultPath = "$.meaning", Next = "RecordIncident" }
    },
    { for index, pair in local.reason_meanings : "ExplainReason${index}" => { Type = "Pass", Parameters = { text = pair[1] }, ResultPath = "$.meaning", Next = "RecordIncident" } },
    { for code, text in local.exit_meanings : "ExplainExit${code}" => { Type = "Pass", Parameters = { text = text }, ResultPath = "$.meaning", Next = "RecordIncident" } },
  )

  execution_console_url = "https://${local.region}.${local.console_domain}/states/home?region=${local.region}#/v2/executions/details/{}"

  # One readable message, laid out like the main module's task alerts.
  alert_template = join("\n", [
    "Scheduled job ${var.name} failed: {}.",
    "",
    "Reason:    {}",
    "           {}",
    "Slot:      {}",
    "Cluster:   ${local.cluster_name}   Account: ${local.account_id}   Region: ${local.region}",
    "Kind:      {}",
    "Execution: ${local.execution_console_url}",
    "Task:      {}",
    "Incident:  {} ({}, {} failed runs in it)",
  ])

  # The attribute names of the main module's alerts (ecs_events/alerts/render.py and
  # resolution.py), so that a subscription's filter policy matches both.
  alert_attributes = {
    job      = { DataType = "String", StringValue = var.name }
    family   = { DataType = "String", StringValue = local.task_definition_family }
    cluster  = { DataType = "String", StringValue = local.cluster_name }
    account  = { DataType = "String", StringValue = local.account_id }
    region   = { DataType = "String", StringValue = local.region }
    severity = { DataType = "String", StringValue = "ERROR" }
  }
  # One subject for every message of an incident, so that email threads them.
  alert_subject = "Scheduled job ${substr(var.name, 0, 60)} failed"

  resolution_template = join("\n", [
    "Resolved: scheduled job ${var.name}, its run of {} succeeded.",
    "",
    "Failures:  {} failed runs, slots {} to {}",
    "Cluster:   ${local.cluster_name}   Account: ${local.account_id}   Region: ${local.region}",
    "Execution: ${local.execution_console_url}",
    "Incident:  {}",
  ])

  alert_states = {
    # Count the failed run in the job's incident, opening one if none is open.
    RecordIncident = {
      Type     = "Task"
      Resource = "arn:aws:states:::dynamodb:updateItem"
      Parameters = {
        TableName                 = local.lease_table_name
        Key                       = local.lease_key
        UpdateExpression          = "SET openIncident = if_not_exists(openIncident, :id), incidentOpenedAt = if_not_exists(incidentOpenedAt, :slot), lastFailureSlot = :slot ADD failedRuns :one"
        ExpressionAttributeValues = { ":id" = { "S.$" = "States.Format('job-{}', $$.Execution.Name)" }, ":slot" = { "S.$" = "$.lease.slot" }, ":one" = { N = "1" } }
        ReturnValues              = "ALL_NEW"
      }
      ResultSelector = { "id.$" = "$.Attributes.openIncident.S", "failedRuns.$" = "$.Attributes.failedRuns.N" }
      ResultPath     = "$.incident"
      Retry          = [local.dynamodb_throttling_retry]
      # The alert matters more than its incident: it goes out marked as unrecorded.
      Catch = [{ ErrorEquals = ["States.ALL"], ResultPath = "$.incidentError", Next = "IncidentUnrecorded" }]
      Next  = "ChooseIncidentState"
    }
    IncidentUnrecorded = {
      Type       = "Pass"
      Parameters = { "id.$" = "States.Format('job-{}', $$.Execution.Name)", failedRuns = "1", state = "opened" }
      ResultPath = "$.incident"
      Next       = "PublishAlert"
    }
    ChooseIncidentState = {
      Type    = "Choice"
      Choices = [{ Variable = "$.incident.failedRuns", StringEquals = "1", Next = "IncidentOpened" }]
      Default = "IncidentUpdated"
    }
    IncidentOpened  = { Type = "Pass", Result = "opened", ResultPath = "$.incident.state", Next = "PublishAlert" }
    IncidentUpdated = { Type = "Pass", Result = "updated", ResultPath = "$.incident.state", Next = "PublishAlert" }
    PublishAlert = {
      Type     = "Task"
      Resource = "arn:aws:states:::sns:publish"
      Parameters = {
        TopicArn    = local.alert_topic_arn
        Subject     = local.alert_subject
        "Message.$" = "States.Format('${local.alert_template}', $.failure.what, $.failure.detail, $.meaning.text, $.lease.slot, $.failure.kind, $$.Execution.Id, $.failure.task, $.incident.id, $.incident.state, $.incident.failedRuns)"
        MessageAttributes = merge(local.alert_attributes, {
          kind          = { DataType = "String", "StringValue.$" = "$.failure.kind" }
          incidentId    = { DataType = "String", "StringValue.$" = "$.incident.id" }
          incidentState = { DataType = "String", "StringValue.$" = "$.incident.state" }
        })
      }
      ResultPath = null
      # A lost alert must not hide the run's failure: the execution still fails, and the
      # failed-runs alarm still counts it.
      Retry = [{ ErrorEquals = ["SNS.ThrottledException", "SNS.InternalErrorException"], IntervalSeconds = 1, MaxAttempts = 3, BackoffRate = 2 }]
      Catch = [{ ErrorEquals = ["States.ALL"], ResultPath = "$.alertError", Next = "ReleaseOrKeepLease" }]
      Next  = "ReleaseOrKeepLease"
    }
    ReleaseOrKeepLease = {
      Type = "Choice"
      # A task that may still be stopping keeps the lease; the next run takes it over once
      # DescribeTasks says STOPPED.
      Choices = [{ Variable = "$.failure.release", BooleanEquals = true, Next = "ReleaseLeaseAfterFailure" }]
      Default = "RunFailed"
    }

    # A run succeeded: resolve the job's open incident, if any (the condition fails, and
    # nothing is sent, when none is open).
    ClaimResolution = {
      Type     = "Task"
      Resource = "arn:aws:states:::dynamodb:updateItem"
      Parameters = {
        TableName                 = local.lease_table_name
        Key                       = local.lease_key
        UpdateExpression          = "SET resolvingBy = :me"
        ConditionExpression       = "attribute_exists(openIncident)"
        ExpressionAttributeValues = { ":me" = { "S.$" = "$$.Execution.Id" } }
        ReturnValues              = "ALL_NEW"
      }
      ResultSelector = {
        "id.$"          = "$.Attributes.openIncident.S"
        "failedRuns.$"  = "$.Attributes.failedRuns.N"
        "openedAt.$"    = "$.Attributes.incidentOpenedAt.S"
        "lastFailure.$" = "$.Attributes.lastFailureSlot.S"
      }
      ResultPath = "$.resolution"
      Retry      = [local.dynamodb_throttling_retry]
      Catch      = [{ ErrorEquals = ["States.ALL"], ResultPath = "$.noIncident", Next = "ReleaseLeaseAfterSuccess" }]
      Next       = "PublishResolution"
    }
    PublishResolution = {
      Type     = "Task"
      Resource = "arn:aws:states:::sns:publish"
      Parameters = {
        TopicArn    = local.alert_topic_arn
        Subject     = "[resolved] ${local.alert_subject}"
        "Message.$" = "States.Format('${local.resolution_template}', $.lease.slot, $.resolution.failedRuns, $.resolution.openedAt, $.resolution.lastFailure, $$.Execution.Id, $.resolution.id)"
        MessageAttributes = merge(local.alert_attributes, {
          severity      = { DataType = "String", StringValue = "INFO" }
          kind          = { DataType = "String", StringValue = "resolution" }
          incidentId    = { DataType = "String", "StringValue.$" = "$.resolution.id" }
          incidentState = { DataType = "String", StringValue = "resolved" }
        })
      }
      ResultPath = null
      Retry      = [{ ErrorEquals = ["SNS.ThrottledException", "SNS.InternalErrorException"], IntervalSeconds = 1, MaxAttempts = 3, BackoffRate = 2 }]
      # Not sent: the incident stays open, and the next successful run resolves it.
      Catch = [{ ErrorEquals = ["States.ALL"], ResultPath = "$.resolutionError", Next = "ReleaseLeaseAfterSuccess" }]
      Next  = "CloseIncident"
    }
    CloseIncident = {
      Type     = "Task"
      Resource = "arn:aws:states:::dynamodb:updateItem"
      Parameters = {
        TableName                 = local.lease_table_name
        Key                       = local.lease_key
        UpdateExpression          = "REMOVE openIncident, failedRuns, incidentOpenedAt, lastFailureSlot, resolvingBy"
        ConditionExpression       = "resolvingBy = :me"
        ExpressionAttributeValues = { ":me" = { "S.$" = "$$.Execution.Id" } }
      }
      ResultPath = null
      Retry      = [local.dynamodb_throttling_retry]
      Catch      = [{ ErrorEquals = ["States.ALL"], ResultPath = "$.closeError", Next = "ReleaseLeaseAfterSuccess" }]
      Next       = "ReleaseLeaseAfterSuccess"
    }
  }

  describe_failure_states = {
    for state, failure in local.failure_states : state => {
      Type = "Pass"
      Parameters = merge(
        {
          kind    = failure.kind
          release = failure.release
          task    = "none: RunTask started no task"
        },
        # Values that start with $ or States. are paths or intrinsic functions, others text.
        { for key in ["what", "detail"] : (can(regex("^(\\$|States\\.)", failure[key])) ? "${key}.$" : key) => failure[key] },
        failure.task == null ? {} : { "task.$" = failure.task },
        state == "DescribeExitFailure" ? { "exitCode.$" = "$.essential.ExitCode" } : {},
      )
      ResultPath = "$.failure"
      Next       = "ExplainFailure"
    }
  }

  # Reading a task: the previous owner's (a contender checks it has stopped) and the run's own.
  describe_task_states = {
    for state, use in {
      DescribeOwnerTask = { task = "$.current.Item.taskArn.S", result = "$.ownerTask", next = "IsOwnerTaskStopped", error = "$.ownerTaskError", on_error = "LeaseHeld" }
      DescribeTask      = { task = "$.watch.taskArn", result = "$.described", next = "IsTaskStopped", error = "$.error", on_error = "StopAbandonedTask" }
    } :
    state => {
      Type     = "Task"
      Resource = "arn:aws:states:::aws-sdk:ecs:describeTasks"
      Parameters = {
        Cluster   = var.task.cluster_arn
        "Tasks.$" = "States.Array(${use.task})"
      }
      ResultSelector = { "tasks.$" = "$.Tasks", "lastStatuses.$" = "$.Tasks[*].LastStatus" }
      ResultPath     = use.result
      Retry          = [local.ecs_retry]
      # A contender that cannot ask keeps away from the task (not knowing is not "stopped");
      # a run that cannot watch its task stops it.
      Catch = [{ ErrorEquals = ["States.ALL"], ResultPath = use.error, Next = use.on_error }]
      Next  = use.next
    }
  }

  # Every path that gives up on a task stops it first; the lease stays until it has stopped.
  stop_task_states = {
    for state, use in {
      StopTimedOutTask  = { reason = "ran longer than max_run_seconds (${var.max_run_seconds} s)", next = "DescribeTimeout" }
      StopAbandonedTask = { reason = "could not watch this task", next = "DescribeAbandoned" }
    } :
    state => {
      Type     = "Task"
      Resource = "arn:aws:states:::aws-sdk:ecs:stopTask"
      Parameters = {
        Cluster  = var.task.cluster_arn
        "Task.$" = "$.watch.taskArn"
        Reason   = "Scheduled job ${var.name} ${use.reason}"
      }
      ResultPath = null
      Retry      = [local.ecs_retry]
      Catch      = [{ ErrorEquals = ["States.ALL"], ResultPath = "$.stopError", Next = use.next }]
      Next       = use.next
    }
  }

  skip_notice_states = var.skipped_notice_topic_arn == null ? {} : {
    NotifySkip = {
      Type     = "Task"
      Resource = "arn:aws:states:::sns:publish"
      Parameters = {
        TopicArn    = var.skipped_notice_topic_arn
        Subject     = "Scheduled job ${substr(var.name, 0, 64)} skipped a run"
        "Message.$" = "$.outcome.message"
      }
      ResultPath = null
      # A notice that cannot be sent must not turn a skipped run into a failed one; the
      # failure stays visible in the execution history and the SkippedRuns metric.
      Catch = [{ ErrorEquals = ["States.ALL"], ResultPath = "$.noticeError", Next = "Skipped" }]
      Next  = "Skipped"
    }
  }
  after_skip_record = var.skipped_notice_topic_arn == null ? "Skipped" : "NotifySkip"

  new_lease = { "slot.$" = "$.scheduledTime", waitAttempts = 0, "runId.$" = "States.UUID()" }

  definition = {
    Comment        = "Runs ECS task ${var.task.task_definition_arn} for job ${var.name}, never two at once (lease in DynamoDB, held until the task stops)."
    StartAt        = "ChooseSlot"
    TimeoutSeconds = local.execution_timeout
    States = merge({
      # A scheduled run's slot is its scheduled time; a manual run's slot is its start time.
      ChooseSlot = {
        Type = "Choice"
        Choices = [
          { Variable = "$.scheduledTime", IsString = true, Next = "UseScheduledSlot" },
        ]
        Default = "UseStartTimeAsSlot"
      }
      UseScheduledSlot = {
        Type       = "Pass"
        Parameters = local.new_lease
        ResultPath = "$.lease"
        Next       = "TakeLease"
      }
      UseStartTimeAsSlot = {
        Type       = "Pass"
        Parameters = merge(local.new_lease, { "slot.$" = "$$.Execution.StartTime" })
        ResultPath = "$.lease"
        Next       = "TakeLease"
      }

      # Free lease: no owner, and no run yet for this slot or a later one.
      TakeLease = {
        Type     = "Task"
        Resource = "arn:aws:states:::dynamodb:updateItem"
        Parameters = {
          TableName                 = local.lease_table_name
          Key                       = local.lease_key
          UpdateExpression          = local.lease_taken_update
          ConditionExpression       = "attribute_not_exists(ownerExecutionArn) AND (attribute_not_exists(lastSlot) OR lastSlot < :slot)"
          ExpressionAttributeValues = local.lease_taken_values
        }
        ResultPath = null
        Retry      = [local.dynamodb_throttling_retry]
        Catch = [{
          ErrorEquals = ["DynamoDB.ConditionalCheckFailedException"]
          ResultPath  = "$.leaseConflict"
          Next        = "InspectLease"
        }]
        Next = "RunTask"
      }

      # Why was the lease refused? Read it (strongly consistent) and decide.
      InspectLease = {
        Type     = "Task"
        Resource = "arn:aws:states:::dynamodb:getItem"
        Parameters = {
          TableName      = local.lease_table_name
          Key            = local.lease_key
          ConsistentRead = true
        }
        ResultPath = "$.current"
        Retry      = [local.dynamodb_throttling_retry]
        Next       = "ClassifyLease"
      }
      # Choice rules below are nested rather than combined with And so that no comparison ever
      # reads a path that may be missing (a States.Runtime error that no Catch can handle).
      ClassifyLease = {
        Type = "Choice"
        Choices = [
          { Variable = "$.current.Item", IsPresent = false, Next = "TakeLease" },
          { Variable = "$.current.Item.lastSlot.S", IsPresent = true, Next = "CompareSlot" },
          { Variable = "$.current.Item.ownerExecutionArn.S", IsPresent = true, Next = "CheckLeaseOwner" },
        ]
        # Released between our write and our read: try again.
        Default = "TakeLease"
      }
      CompareSlot = {
        Type = "Choice"
        Choices = [
          { Variable = "$.current.Item.lastSlot.S", StringGreaterThanEqualsPath = "$.lease.slot", Next = "SkipSlotAlreadyRun" },
          { Variable = "$.current.Item.ownerExecutionArn.S", IsPresent = true, Next = "CheckLeaseOwner" },
        ]
        Default = "TakeLease"
      }

      # A RUNNING owner holds the lease. A stopped owner holds it too while its task runs.
      CheckLeaseOwner = {
        Type     = "Task"
        Resource = "arn:aws:states:::aws-sdk:sfn:describeExecution"
        Parameters = {
          "ExecutionArn.$" = "$.current.Item.ownerExecutionArn.S"
        }
        ResultSelector = { "status.$" = "$.Status" }
        ResultPath     = "$.leaseOwner"
        Retry = [{
          ErrorEquals     = ["Sfn.ThrottlingException"]
          IntervalSeconds = 1
          MaxAttempts     = 5
          BackoffRate     = 2
          JitterStrategy  = "FULL"
        }]
        Catch = [{
          # Execution history is kept for 90 days; the owner's task is still checked.
          ErrorEquals = ["Sfn.ExecutionDoesNotExistException", "Sfn.InvalidArnException"]
          ResultPath  = "$.leaseOwnerError"
          Next        = "CheckOwnerTask"
        }]
        Next = "IsLeaseOwnerRunning"
      }
      IsLeaseOwnerRunning = {
        Type    = "Choice"
        Choices = [{ Variable = "$.leaseOwner.status", StringEquals = "RUNNING", Next = "LeaseHeld" }]
        Default = "CheckOwnerTask"
      }
      CheckOwnerTask = {
        Type = "Choice"
        Choices = [
          { Variable = "$.current.Item.taskArn.S", IsPresent = true, Next = "DescribeOwnerTask" },
          { Variable = "$.current.Item.runId.S", IsPresent = true, Next = "ListOwnerTasks" },
        ]
        # An owner that never reached RunTask (or a lease written before runId existed).
        Default = "TakeOverLease"
      }
      IsOwnerTaskStopped = {
        Type = "Choice"
        Choices = [
          # ECS describes a stopped task for a while, then forgets it; a running one never.
          { Variable = "$.ownerTask.lastStatuses[0]", IsPresent = false, Next = "TakeOverLease" },
          { Variable = "$.ownerTask.lastStatuses[0]", StringEquals = "STOPPED", Next = "TakeOverLease" },
        ]
        Default = "LeaseHeld"
      }
      # The owner died between RunTask and recording the task: look for it by its runId.
      ListOwnerTasks = {
        Type     = "Task"
        Resource = "arn:aws:states:::aws-sdk:ecs:listTasks"
        Parameters = {
          Cluster       = var.task.cluster_arn
          "StartedBy.$" = "$.current.Item.runId.S"
          DesiredStatus = "RUNNING"
        }
        ResultSelector = { "taskArns.$" = "$.TaskArns" }
        ResultPath     = "$.ownerTask"
        Retry          = [local.ecs_retry]
        Catch          = [{ ErrorEquals = ["States.ALL"], ResultPath = "$.ownerTaskError", Next = "LeaseHeld" }]
        Next           = "HasOwnerRunningTask"
      }
      HasOwnerRunningTask = {
        Type    = "Choice"
        Choices = [{ Variable = "$.ownerTask.taskArns[0]", IsPresent = true, Next = "LeaseHeld" }]
        Default = "TakeOverLease"
      }

      # Compare-and-set on the stale owner: of two contenders only one sees its condition hold.
      TakeOverLease = {
        Type     = "Task"
        Resource = "arn:aws:states:::dynamodb:updateItem"
        Parameters = {
          TableName           = local.lease_table_name
          Key                 = local.lease_key
          UpdateExpression    = local.lease_taken_update
          ConditionExpression = "ownerExecutionArn = :staleOwner AND (attribute_not_exists(lastSlot) OR lastSlot < :slot)"
          ExpressionAttributeValues = merge(local.lease_taken_values, {
            ":staleOwner" = { "S.$" = "$.current.Item.ownerExecutionArn.S" }
          })
        }
        ResultPath = null
        Retry      = [local.dynamodb_throttling_retry]
        Catch = [{
          ErrorEquals = ["DynamoDB.ConditionalCheckFailedException"]
          ResultPath  = "$.leaseConflict"
          Next        = "InspectLease"
        }]
        Next = "RunTask"
      }

      # Overlap policy: "wait" polls the lease a bounded number of times; "skip" has 0 attempts.
      LeaseHeld = {
        Type    = "Choice"
        Choices = [{ Variable = "$.lease.waitAttempts", NumericLessThan = local.lease_wait_attempts, Next = "WaitForLease" }]
        Default = "SkipLeaseHeld"
      }
      WaitForLease = {
        Type    = "Wait"
        Seconds = var.overlap.poll_seconds
        Next    = "CountWaitAttempt"
      }
      CountWaitAttempt = {
        Type = "Pass"
        Parameters = {
          "slot.$"         = "$.lease.slot"
          "runId.$"        = "$.lease.runId"
          "waitAttempts.$" = "States.MathAdd($.lease.waitAttempts, 1)"
        }
        ResultPath = "$.lease"
        Next       = "TakeLease"
      }

      SkipLeaseHeld = {
        Type = "Pass"
        Parameters = {
          job      = var.name
          status   = "skipped"
          reason   = "LeaseHeld"
          "slot.$" = "$.lease.slot"
          # The owner seen by CheckLeaseOwner, and since when it holds the lease; always
          # present on this path.
          "heldBy.$"    = "$.current.Item.ownerExecutionArn.S"
          "heldSince.$" = "$.current.Item.acquiredAt.S"
          "message.$"   = "States.Format('Scheduled job ${var.name} skipped its run for {}: the previous run still holds the lease (execution {}, since {}), because it or the task it started is still running. The next slot runs normally once that task has stopped.', $.lease.slot, $.current.Item.ownerExecutionArn.S, $.current.Item.acquiredAt.S)"
        }
        ResultPath = "$.outcome"
        Next       = "RecordSkip"
      }
      SkipSlotAlreadyRun = {
        Type = "Pass"
        Parameters = {
          job         = var.name
          status      = "skipped"
          reason      = "SlotAlreadyRun"
          "slot.$"    = "$.lease.slot"
          "message.$" = "States.Format('Scheduled job ${var.name} skipped a trigger for {}: a run for that slot (or a later one) has already started. This is a duplicate or late trigger, not a missed run.', $.lease.slot)"
        }
        ResultPath = "$.outcome"
        Next       = "RecordSkip"
      }
      RecordSkip = {
        Type     = "Task"
        Resource = "arn:aws:states:::aws-sdk:cloudwatch:putMetricData"
        Parameters = {
          Namespace = var.metric_namespace
          MetricData = [{
            MetricName = "SkippedRuns"
            Dimensions = [{ Name = "Job", Value = var.name }]
            Value      = 1
            Unit       = "Count"
          }]
        }
        ResultPath = null
        # Like the notice, a lost metric must not turn a skipped run into a failed one.
        Catch = [{ ErrorEquals = ["States.ALL"], ResultPath = "$.metricError", Next = "RecordSkipInTable" }]
        Next  = "RecordSkipInTable"
      }
      # The durable record: one item per skipped slot, next to the lease.
      RecordSkipInTable = {
        Type     = "Task"
        Resource = "arn:aws:states:::dynamodb:putItem"
        Parameters = {
          TableName = local.lease_table_name
          Item = {
            lockId     = { "S.$" = "States.Format('${var.name}#skipped#{}', $.lease.slot)" }
            slot       = { "S.$" = "$.lease.slot" }
            reason     = { "S.$" = "$.outcome.reason" }
            execution  = { "S.$" = "$$.Execution.Id" }
            recordedAt = { "S.$" = "$$.State.EnteredTime" }
            outcome    = { "S.$" = "States.JsonToString($.outcome)" }
          }
        }
        ResultPath = null
        Retry      = [local.dynamodb_throttling_retry]
        Catch      = [{ ErrorEquals = ["States.ALL"], ResultPath = "$.recordError", Next = local.after_skip_record }]
        Next       = local.after_skip_record
      }
      Skipped = {
        Type       = "Succeed"
        OutputPath = "$.outcome"
      }

      RunTask = {
        Type           = "Task"
        Resource       = "arn:aws:states:::aws-sdk:ecs:runTask"
        Parameters     = local.run_task_parameters
        ResultSelector = { "taskArns.$" = "$.Tasks[*].TaskArn", "failures.$" = "$.Failures" }
        ResultPath     = "$.run"
        Retry          = [local.ecs_retry]
        Catch          = [{ ErrorEquals = ["States.ALL"], ResultPath = "$.error", Next = "DescribeRunError" }]
        Next           = "DidTaskStart"
      }
      # RunTask answers 200 with failures[] (and no task) when it cannot place the task.
      DidTaskStart = {
        Type    = "Choice"
        Choices = [{ Variable = "$.run.taskArns[0]", IsPresent = true, Next = "RecordTask" }]
        Default = "DescribeRunRefusal"
      }
      RecordTask = {
        Type     = "Task"
        Resource = "arn:aws:states:::dynamodb:updateItem"
        Parameters = {
          TableName                 = local.lease_table_name
          Key                       = local.lease_key
          UpdateExpression          = "SET taskArn = :task"
          ConditionExpression       = "ownerExecutionArn = :me"
          ExpressionAttributeValues = { ":me" = { "S.$" = "$$.Execution.Id" }, ":task" = { "S.$" = "$.run.taskArns[0]" } }
        }
        ResultPath = null
        Retry      = [local.dynamodb_throttling_retry]
        # Unrecorded, the task is still found through runId (startedBy): keep watching it.
        Catch = [{ ErrorEquals = ["States.ALL"], ResultPath = "$.recordError", Next = "StartWatching" }]
        Next  = "StartWatching"
      }
      StartWatching = {
        Type       = "Pass"
        Parameters = { "taskArn.$" = "$.run.taskArns[0]", polls = 0 }
        ResultPath = "$.watch"
        Next       = "WaitForTask"
      }
      WaitForTask = {
        Type    = "Wait"
        Seconds = var.task_poll_seconds
        Next    = "DescribeTask"
      }
      IsTaskStopped = {
        Type = "Choice"
        Choices = [
          { Variable = "$.described.lastStatuses[0]", IsPresent = false, Next = "DescribeTaskGone" },
          { Variable = "$.described.lastStatuses[0]", StringEquals = "STOPPED", Next = "ReadStoppedTask" },
        ]
        Default = "CountTaskPoll"
      }
      CountTaskPoll = {
        Type       = "Pass"
        Parameters = { "taskArn.$" = "$.watch.taskArn", "polls.$" = "States.MathAdd($.watch.polls, 1)" }
        ResultPath = "$.watch"
        Next       = "IsRunOutOfTime"
      }
      IsRunOutOfTime = {
        Type    = "Choice"
        Choices = [{ Variable = "$.watch.polls", NumericGreaterThanEquals = local.max_task_polls, Next = "StopTimedOutTask" }]
        Default = "WaitForTask"
      }
      # The task has stopped. Success is the essential container's exit code 0.
      ReadStoppedTask = {
        Type = "Pass"
        Parameters = {
          # Indefinite paths: lists, empty when the task carries no such value.
          "containers.$" = "$.described.tasks[*].Containers[?(@.Name == '${var.task.essential_container_name}')]"
          "reasons.$"    = "$.described.tasks[*].StoppedReason"
          reason         = "-"
        }
        ResultPath = "$.stopped"
        Next       = "HasStoppedReason"
      }
      HasStoppedReason = {
        Type    = "Choice"
        Choices = [{ Variable = "$.stopped.reasons[0]", IsPresent = true, Next = "KeepStoppedReason" }]
        Default = "HasEssentialContainer"
      }
      KeepStoppedReason = {
        Type       = "Pass"
        Parameters = { "containers.$" = "$.stopped.containers", "reason.$" = "$.stopped.reasons[0]" }
        ResultPath = "$.stopped"
        Next       = "HasEssentialContainer"
      }
      HasEssentialContainer = {
        Type    = "Choice"
        Choices = [{ Variable = "$.stopped.containers[0]", IsPresent = true, Next = "PickEssentialContainer" }]
        Default = "DescribeStartFailure"
      }
      PickEssentialContainer = {
        Type       = "Pass"
        InputPath  = "$.stopped.containers[0]"
        ResultPath = "$.essential"
        Next       = "HasExitCode"
      }
      # No exit code: the container never ran (image pull, secrets, placement after start).
      HasExitCode = {
        Type    = "Choice"
        Choices = [{ Variable = "$.essential.ExitCode", IsPresent = true, Next = "CheckExitCode" }]
        Default = "DescribeStartFailure"
      }
      CheckExitCode = {
        Type    = "Choice"
        Choices = [{ Variable = "$.essential.ExitCode", NumericEquals = 0, Next = "RecordSuccess" }]
        Default = "DescribeExitFailure"
      }
      RecordSuccess = {
        Type = "Pass"
        Parameters = {
          job         = var.name
          status      = "succeeded"
          "slot.$"    = "$.lease.slot"
          "taskArn.$" = "$.watch.taskArn"
        }
        ResultPath = "$.outcome"
        Next       = "ClaimResolution"
      }

      Succeeded = {
        Type       = "Succeed"
        OutputPath = "$.outcome"
      }

      RunFailed = {
        Type      = "Fail"
        ErrorPath = "$.failure.kind"
        CausePath = "$.failure.what"
      }
    }, local.release_lease_states, local.skip_notice_states, local.describe_task_states, local.stop_task_states, local.describe_failure_states, local.explain_states, local.alert_states)
  }
}
