# The state machine, in Amazon States Language (JSONPath). Everything here is known at plan time
# (names and inputs, no resource ARNs), so tests can execute the planned definition.
#
# The lease is one item per job in DynamoDB, keyed by lockId = var.name:
#   ownerExecutionArn  the execution that holds the lease (absent when free)
#   acquiredAt         when the owner took it (ISO-8601, for people reading the table)
#   maxRunSeconds      the owner's task budget (for people reading the table)
#   lastSlot           the latest schedule slot a run was started for (kept after release)
#
# Taking the lease is one conditional UpdateItem. A lease is stale when its owner execution is
# no longer RUNNING (succeeded, failed, timed out, aborted); the state machine's timeout bounds
# how long any owner can run, so no lease outlives max_run_seconds plus waiting and bookkeeping.
# A stale lease is taken over with a compare-and-set on the owner it was seen with, so two
# contenders for one stale lease cannot both win. Wall-clock expiry is not used: JSONPath has
# no epoch clock to compute one with (see the module README).

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

  lease_taken_values = {
    ":me"         = { "S.$" = "$$.Execution.Id" }
    ":acquiredAt" = { "S.$" = "$$.State.EnteredTime" }
    ":slot"       = { "S.$" = "$.lease.slot" }
    ":maxRun"     = { N = tostring(var.max_run_seconds) }
  }

  lease_taken_update = "SET ownerExecutionArn = :me, acquiredAt = :acquiredAt, lastSlot = :slot, maxRunSeconds = :maxRun"

  # Releasing keeps the item (and its lastSlot) and removes only the ownership, and only if this
  # execution still owns it.
  release_lease_parameters = {
    TableName                 = local.lease_table_name
    Key                       = local.lease_key
    UpdateExpression          = "REMOVE ownerExecutionArn, acquiredAt"
    ConditionExpression       = "ownerExecutionArn = :me"
    ExpressionAttributeValues = { ":me" = { "S.$" = "$$.Execution.Id" } }
  }

  # One release state per way a run ends, each going on to its end state whatever the
  # release did: a failed release (its condition or anything else) is not the run's
  # failure, since a lease whose owner has stopped is free for the next run anyway.
  release_lease_states = {
    for state, end_state in {
      ReleaseLeaseAfterSuccess     = "Succeeded"
      ReleaseLeaseAfterTaskFailure = "TaskFailed"
      ReleaseLeaseAfterError       = "RunFailed"
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

  # Only the parameters that are set: ECS rejects LaunchType together with a strategy, and an
  # explicit null is not "unset" for every service.
  run_task_parameters = merge(
    {
      Cluster        = var.task.cluster_arn
      TaskDefinition = var.task.task_definition_arn
      PropagateTags  = "TASK_DEFINITION"
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

  skip_notice_states = var.skipped_notice_topic_arn == null ? {} : {
    NotifySkip = {
      Type     = "Task"
      Resource = "arn:aws:states:::sns:publish"
      Parameters = {
        TopicArn    = var.skipped_notice_topic_arn
        Subject     = "Scheduled job ${var.name} skipped a run"
        "Message.$" = "States.JsonToString($.outcome)"
      }
      ResultPath = null
      # A notice that cannot be sent must not turn a skipped run into a failed one; the
      # failure stays visible in the execution history and the SkippedRuns metric.
      Catch = [{ ErrorEquals = ["States.ALL"], ResultPath = "$.noticeError", Next = "Skipped" }]
      Next  = "Skipped"
    }
  }

  definition = {
    Comment        = "Runs ECS task ${var.task.task_definition_arn} for job ${var.name}, never two at once (lease in DynamoDB)."
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
        Parameters = { "slot.$" = "$.scheduledTime", waitAttempts = 0 }
        ResultPath = "$.lease"
        Next       = "TakeLease"
      }
      UseStartTimeAsSlot = {
        Type       = "Pass"
        Parameters = { "slot.$" = "$$.Execution.StartTime", waitAttempts = 0 }
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

      # The owner's status is the lease's liveness: RUNNING holds it, anything else frees it.
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
          # Execution history is kept for 90 days; an owner that old is long gone.
          ErrorEquals = ["Sfn.ExecutionDoesNotExistException", "Sfn.InvalidArnException"]
          ResultPath  = "$.leaseOwnerError"
          Next        = "TakeOverLease"
        }]
        Next = "IsLeaseOwnerRunning"
      }
      IsLeaseOwnerRunning = {
        Type    = "Choice"
        Choices = [{ Variable = "$.leaseOwner.status", StringEquals = "RUNNING", Next = "LeaseHeld" }]
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
          # The owner seen by CheckLeaseOwner; always present on this path.
          "heldBy.$" = "$.current.Item.ownerExecutionArn.S"
        }
        ResultPath = "$.outcome"
        Next       = "RecordSkip"
      }
      SkipSlotAlreadyRun = {
        Type = "Pass"
        Parameters = {
          job      = var.name
          status   = "skipped"
          reason   = "SlotAlreadyRun"
          "slot.$" = "$.lease.slot"
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
        Catch = [{ ErrorEquals = ["States.ALL"], ResultPath = "$.metricError", Next = var.skipped_notice_topic_arn == null ? "Skipped" : "NotifySkip" }]
        Next  = var.skipped_notice_topic_arn == null ? "Skipped" : "NotifySkip"
      }
      Skipped = {
        Type       = "Succeed"
        OutputPath = "$.outcome"
      }

      # runTask.sync returns the described task once it has stopped, whatever its exit code.
      RunTask = {
        Type           = "Task"
        Resource       = "arn:aws:states:::ecs:runTask.sync"
        Parameters     = local.run_task_parameters
        TimeoutSeconds = var.max_run_seconds
        ResultPath     = "$.task"
        # Every failure (RunTask refused, task timed out, ...) releases the lease first.
        Catch = [{ ErrorEquals = ["States.ALL"], ResultPath = "$.error", Next = "ReleaseLeaseAfterError" }]
        Next  = "ReadExitCode"
      }
      ReadExitCode = {
        Type = "Pass"
        Parameters = {
          job         = var.name
          "slot.$"    = "$.lease.slot"
          "taskArn.$" = "$.task.TaskArn"
          # An indefinite path: an empty list when the container never reported an exit code.
          "exitCodes.$" = "$.task.Containers[?(@.Name == '${var.task.essential_container_name}')].ExitCode"
        }
        ResultPath = "$.outcome"
        Next       = "HasExitCode"
      }
      HasExitCode = {
        Type    = "Choice"
        Choices = [{ Variable = "$.outcome.exitCodes[0]", IsPresent = true, Next = "CheckExitCode" }]
        Default = "ReleaseLeaseAfterTaskFailure"
      }
      CheckExitCode = {
        Type    = "Choice"
        Choices = [{ Variable = "$.outcome.exitCodes[0]", NumericEquals = 0, Next = "ReleaseLeaseAfterSuccess" }]
        Default = "ReleaseLeaseAfterTaskFailure"
      }

      Succeeded = {
        Type       = "Succeed"
        OutputPath = "$.outcome"
      }

      TaskFailed = {
        Type  = "Fail"
        Error = "EssentialContainerFailed"
        Cause = "Container ${var.task.essential_container_name} exited non-zero or never ran; see the RunTask result in the execution history."
      }

      RunFailed = {
        Type      = "Fail"
        ErrorPath = "$.error.Error"
        CausePath = "$.error.Cause"
      }
    }, local.release_lease_states, local.skip_notice_states)
  }
}
