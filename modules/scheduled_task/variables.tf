variable "name" {
  # It names the schedule, state machine, log group, alarms, dead-letter queue, alert topic and
  # (unless lease_table is given) the lease table. 1-64 of A-Za-z0-9_-: 64 is Scheduler's limit
  # for the schedule's name, every other derived name has more room.
  description = "Name of the job; names every resource and is the job's key in the lease table."
  type        = string

  validation {
    # 64 is the longest name every derived name can carry: the Scheduler schedule is named
    # <name> (1-64 characters, https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html);
    # the others have more room: state machine <name> (80), queue <name>-schedule-dlq (80),
    # topic <name>-alerts (256), table <name>-lease (255), log group /aws/vendedlogs/states/<name>
    # (512), alarms <name>-... (255). IAM role name prefixes are cut to the provider's 38
    # characters (local.role_name_prefix), so they never limit the name. The character set
    # also keeps the name safe inside the state machine's JSONPath and intrinsic strings.
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.name))
    error_message = "Set name to 1-64 letters, digits, hyphens or underscores (64 is EventBridge Scheduler's limit for the schedule, which is named after the job)."
  }
}

variable "schedule" {
  description = "When the job runs: an EventBridge Scheduler expression in a time zone."
  type = object({
    # cron(...) with all six fields, rate(1 hour) / rate(N hours), or at(yyyy-mm-ddThh:mm:ss).
    expression = string
    # An IANA name, checked against time_zones.txt.
    time_zone = optional(string, "UTC")
    # false keeps the schedule but stops triggering.
    enabled    = optional(bool, true)
    group_name = optional(string, "default")
    # This and maximum_event_age_seconds bound Scheduler's retries of a failed StartExecution
    # before the trigger goes to the dead-letter queue.
    maximum_retry_attempts    = optional(number, 3)
    maximum_event_age_seconds = optional(number, 3600)
  })

  validation {
    # EventBridge Scheduler's three forms
    # (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html): cron with six
    # fields (minutes hours day-of-month month day-of-week year), rate with a unit that agrees
    # with the number, and at() with a local date and time.
    condition = (
      can(regex("^cron\\([^ ()]+( [^ ()]+){5}\\)$", var.schedule.expression)) ||
      can(regex("^rate\\((1 (minute|hour|day)|([2-9]|[1-9][0-9]+) (minutes|hours|days))\\)$", var.schedule.expression)) ||
      can(regex("^at\\([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\)$", var.schedule.expression))
    )
    error_message = "Set schedule.expression to cron(minutes hours day-of-month month day-of-week year) with all six fields, e.g. \"cron(0 3 * * ? *)\"; or rate(1 hour) / rate(15 minutes) / rate(2 days) (singular unit for 1, plural otherwise); or at(2030-01-01T03:00:00)."
  }

  validation {
    # A misspelled zone would otherwise reach AWS only at apply. The list is the IANA time zone
    # database (tzdata 2025b) that Scheduler's time zones come from.
    condition     = contains(split("\n", trimspace(file("${path.module}/time_zones.txt"))), var.schedule.time_zone)
    error_message = "Set schedule.time_zone to an IANA time zone name such as UTC, Europe/Berlin or America/New_York (case matters; see modules/scheduled_task/time_zones.txt)."
  }

  validation {
    condition     = var.schedule.maximum_retry_attempts >= 0 && var.schedule.maximum_retry_attempts <= 185
    error_message = "Set schedule.maximum_retry_attempts between 0 and 185 (EventBridge Scheduler's limits)."
  }

  validation {
    condition     = var.schedule.maximum_event_age_seconds >= 60 && var.schedule.maximum_event_age_seconds <= 86400
    error_message = "Set schedule.maximum_event_age_seconds between 60 and 86400 (EventBridge Scheduler's limits)."
  }
}

variable "task" {
  description = "The ECS task to run, and the container whose exit code decides success."
  type = object({
    cluster_arn = string
    # With or without :revision; without, any revision of the family may run.
    task_definition_arn = string
    # Its exit code decides success: ECS reports no "essential" flag per container, and sidecars
    # stopped by ECS exit non-zero.
    essential_container_name = string
    # task_role_arn and execution_role_arn must be given when the task definition has them: they
    # are the only roles the state machine may pass to ECS.
    task_role_arn      = optional(string)
    execution_role_arn = optional(string)
    # Give either launch_type or capacity_provider_strategy (neither: the cluster default).
    launch_type = optional(string)
    capacity_provider_strategy = optional(list(object({
      capacity_provider = string
      weight            = optional(number, 1)
      base              = optional(number, 0)
    })))
    platform_version = optional(string)
    # Required for awsvpc task definitions (all Fargate tasks).
    network_configuration = optional(object({
      subnets          = list(string)
      security_groups  = optional(list(string), [])
      assign_public_ip = optional(bool, false)
    }))
    # Replace command and add environment per container; environment values are treated as
    # secrets and kept out of logs unless log.include_execution_data is true.
    container_overrides = optional(list(object({
      name        = string
      command     = optional(list(string))
      environment = optional(map(string), {})
    })), [])
  })

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:cluster/[A-Za-z0-9_-]+$", var.task.cluster_arn))
    error_message = "Set task.cluster_arn to a full ECS cluster ARN (arn:aws:ecs:REGION:ACCOUNT:cluster/NAME)."
  }

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:task-definition/[A-Za-z0-9_-]+(:[0-9]+)?$", var.task.task_definition_arn))
    error_message = "Set task.task_definition_arn to a full task definition ARN (arn:aws:ecs:REGION:ACCOUNT:task-definition/FAMILY[:REVISION])."
  }

  validation {
    # The name is embedded in a JSONPath filter; this character set cannot break out of it.
    condition     = can(regex("^[A-Za-z0-9_-]{1,255}$", var.task.essential_container_name))
    error_message = "Set task.essential_container_name to the container's name as in the task definition (letters, digits, hyphens, underscores)."
  }

  validation {
    condition     = var.task.launch_type == null || contains(["EC2", "FARGATE", "EXTERNAL"], coalesce(var.task.launch_type, "none"))
    error_message = "Set task.launch_type to EC2, FARGATE or EXTERNAL, or leave it null."
  }

  validation {
    condition     = var.task.launch_type == null || var.task.capacity_provider_strategy == null
    error_message = "Give task.launch_type or task.capacity_provider_strategy, not both (ECS rejects both)."
  }

  validation {
    # Fargate tasks always use the awsvpc network mode, and RunTask refuses an awsvpc task
    # without a network configuration.
    condition = var.task.network_configuration != null || !(
      var.task.launch_type == "FARGATE" ||
      anytrue([for item in coalesce(var.task.capacity_provider_strategy, []) : startswith(item.capacity_provider, "FARGATE")])
    )
    error_message = "Fargate tasks use the awsvpc network mode: set task.network_configuration = { subnets = [\"subnet-...\"], security_groups = [\"sg-...\"] }."
  }

  validation {
    condition     = var.task.network_configuration == null || length(try(var.task.network_configuration.subnets, [])) > 0
    error_message = "List at least one subnet in task.network_configuration.subnets, or leave network_configuration null."
  }

  validation {
    condition = alltrue([
      for role in compact([var.task.task_role_arn, var.task.execution_role_arn]) :
      can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", role))
    ])
    error_message = "Set task.task_role_arn and task.execution_role_arn to IAM role ARNs (arn:aws:iam::ACCOUNT:role/NAME), or leave them null."
  }

  validation {
    condition     = alltrue([for override in var.task.container_overrides : can(regex("^[A-Za-z0-9_-]{1,255}$", override.name))])
    error_message = "Set each task.container_overrides[*].name to a container name from the task definition."
  }
}

variable "max_run_seconds" {
  # After this the task is stopped (StopTask) and the lease stays with the task until ECS
  # reports it STOPPED.
  description = "Longest the task may run before it is stopped and the run fails with an alert."
  type        = number
  default     = 3600

  validation {
    condition     = var.max_run_seconds >= 60 && var.max_run_seconds <= 31000000 && floor(var.max_run_seconds) == var.max_run_seconds
    error_message = "Set max_run_seconds to a whole number of seconds between 60 and 31000000 (Step Functions' one-year limit leaves room for waiting)."
  }
}

variable "overlap" {
  description = "What a run does when the previous run still holds the lease."
  type = object({
    # skip ends the run at once as skipped (a Succeeded execution, a SkippedRuns metric, an
    # optional SNS notice); wait retries the lease every poll_seconds for up to wait_seconds,
    # then skips.
    policy       = optional(string, "skip")
    wait_seconds = optional(number, 300)
    poll_seconds = optional(number, 30)
  })
  default = {}

  validation {
    condition     = contains(["skip", "wait"], var.overlap.policy)
    error_message = "Set overlap.policy to \"skip\" or \"wait\"."
  }

  validation {
    condition     = var.overlap.poll_seconds >= 1 && var.overlap.wait_seconds >= var.overlap.poll_seconds && var.overlap.wait_seconds <= 86400
    error_message = "Set overlap.poll_seconds >= 1 and overlap.wait_seconds between poll_seconds and 86400."
  }
}

variable "lease_table" {
  description = "An existing lease table to share between jobs (name and arn; partition key lockId, type S); null creates a table for this job."
  type = object({
    name = string
    arn  = string
  })
  default = null

  validation {
    condition     = var.lease_table == null || can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/.+$", var.lease_table.arn))
    error_message = "Set lease_table.arn to a DynamoDB table ARN, or leave lease_table null to create one."
  }
}

variable "lease_table_deletion_protection" {
  # Turn it off only to let terraform destroy remove the table.
  description = "Deletion protection of the lease table this module creates."
  type        = bool
  default     = true

  validation {
    condition     = var.lease_table_deletion_protection != null
    error_message = "Set lease_table_deletion_protection to true or false."
  }
}

variable "kms_key_arn" {
  # Its key policy must let DynamoDB, Step Functions, CloudWatch Logs, SQS and EventBridge
  # Scheduler use it.
  description = "Customer managed KMS key for the lease table, state machine data, log group, dead-letter queue and schedule input; null uses AWS managed encryption."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "Set kms_key_arn to a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), or leave it null."
  }
}

variable "log" {
  description = "State machine logging."
  type = object({
    # ALL records every state; ERROR only failures.
    level = optional(string, "ALL")
    # true copies inputs and outputs (including container override values) into the log: leave
    # it false unless they hold no secrets.
    include_execution_data = optional(bool, false)
    retention_in_days      = optional(number, 365)
  })
  default = {}

  validation {
    condition     = contains(["ALL", "ERROR", "FATAL"], var.log.level)
    error_message = "Set log.level to ALL, ERROR or FATAL (OFF is not allowed: runs must leave a trace)."
  }

  validation {
    condition     = contains([365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log.retention_in_days)
    error_message = "Set log.retention_in_days to a CloudWatch Logs retention of at least a year: 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "skipped_notice_topic_arn" {
  # The SkippedRuns metric is always published.
  description = "SNS topic that receives a notice for every skipped run; null sends none."
  type        = string
  default     = null

  validation {
    condition     = var.skipped_notice_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:.+$", var.skipped_notice_topic_arn))
    error_message = "Set skipped_notice_topic_arn to an SNS topic ARN, or leave it null."
  }
}

variable "metric_namespace" {
  description = "CloudWatch namespace of the SkippedRuns metric (dimension Job = name)."
  type        = string
  default     = "ECSScheduledTasks"

  validation {
    condition     = can(regex("^[A-Za-z0-9._/#:-]{1,255}$", var.metric_namespace)) && !startswith(var.metric_namespace, "AWS/")
    error_message = "Set metric_namespace to 1-255 letters, digits or . _ / # : - characters, not starting with AWS/."
  }
}

variable "tags" {
  description = "Tags for every resource this module creates."
  type        = map(string)
  default     = {}

  validation {
    condition     = var.tags != null
    error_message = "Set tags to a map (use {} for none)."
  }
}

variable "task_poll_seconds" {
  # Each poll is about three state transitions (billed on STANDARD workflows); a run also
  # notices its task's end up to this late. max_run_seconds / task_poll_seconds must stay under
  # about 1,800 polls: an execution's history holds 25,000 events
  # (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html).
  description = "How often the state machine asks ECS (DescribeTasks) whether the task has stopped."
  type        = number
  default     = 60

  validation {
    condition     = var.task_poll_seconds >= 1 && var.task_poll_seconds <= 3600 && floor(var.task_poll_seconds) == var.task_poll_seconds
    error_message = "Set task_poll_seconds to a whole number of seconds between 1 and 3600."
  }
}

variable "alert_topic_arn" {
  # Failed runs: RunTask refused, task failed to start, non-zero exit, run timed out. The topic
  # this module creates is the output alert_topic_arn: subscribe to it.
  description = "SNS topic that receives one readable alert per failed run, for example the main module's alert topic; null creates one for this job."
  type        = string
  default     = null

  validation {
    condition     = var.alert_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.alert_topic_arn))
    error_message = "Set alert_topic_arn to an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME), or leave it null to create one."
  }
}

variable "topic_kms_key_arns" {
  # The state machine role gets kms:GenerateDataKey and kms:Decrypt on them, without which every
  # publish to such a topic is refused.
  description = "Customer managed KMS keys of the topics you bring (alert_topic_arn, skipped_notice_topic_arn) when they are not kms_key_arn."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.topic_kms_key_arns : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", arn))])
    error_message = "Set topic_kms_key_arns to KMS key ARNs (arn:aws:kms:REGION:ACCOUNT:key/ID), or [] for none."
  }
}

variable "alarm_actions" {
  # A topic encrypted with a customer key must let cloudwatch.amazonaws.com use that key, or
  # CloudWatch cannot publish to it.
  description = "ARNs (SNS topics) notified by the module's alarms: failed runs, missed runs and the dead-letter queue."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.alarm_actions : can(regex("^arn:aws[a-z-]*:", arn))])
    error_message = "Set alarm_actions to a list of ARNs (usually SNS topics), or [] for none."
  }
}

variable "missed_run" {
  description = "The alarm that fires when no run has started or succeeded within the expected interval plus a grace period."
  type = object({
    enabled = optional(bool, true)
    # started, or succeeded (skipped runs count as succeeded). Missing data counts as breaching,
    # so a disabled schedule, a broken role or a deleted state machine is noticed.
    measure = optional(string, "started")
    # Null derives it from schedule.expression: rate(N unit), or cron with fixed minutes and
    # hours every day (86400), fixed minutes every hour (3600), or one fixed day of the week
    # (604800); any other cron needs interval_seconds. at() schedules run once and get no alarm.
    # CloudWatch allows one period of at most 604800 s (7 days).
    interval_seconds = optional(number)
    grace_seconds    = optional(number, 3600)
  })
  default = {}

  validation {
    condition     = contains(["started", "succeeded"], var.missed_run.measure)
    error_message = "Set missed_run.measure to \"started\" or \"succeeded\"."
  }

  validation {
    condition     = var.missed_run.interval_seconds == null || try(var.missed_run.interval_seconds >= 60, false)
    error_message = "Set missed_run.interval_seconds to the schedule's interval in seconds (at least 60), or null to derive it from schedule.expression."
  }

  validation {
    condition     = var.missed_run.grace_seconds >= 0
    error_message = "Set missed_run.grace_seconds to 0 or more seconds."
  }
}

variable "iam_role_path" {
  description = "Path of every IAM role this module creates (the root module's input of the same name)."
  type        = string
  default     = "/"

  validation {
    condition     = can(regex("^/([\\x21-\\x7E]{1,510}/)?$", var.iam_role_path)) && length(var.iam_role_path) <= 512
    error_message = "Set iam_role_path to \"/\" or a path that starts and ends with \"/\", such as \"/ecs-jobs/\" (at most 512 characters)."
  }
}

variable "iam_permissions_boundary_arn" {
  description = "Managed policy set as the permissions boundary of every IAM role this module creates (the root module's input of the same name); null sets none."
  type        = string
  default     = null

  validation {
    condition     = var.iam_permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", var.iam_permissions_boundary_arn))
    error_message = "Set iam_permissions_boundary_arn to a managed policy ARN (arn:aws:iam::ACCOUNT:policy/NAME), or leave it null."
  }
}
