variable "name" {
  description = "Name of the job. Names the schedule, state machine, log group, dead-letter queue and (unless lease_table is given) the lease table, and is the job's key in the lease table."
  type        = string

  validation {
    # Leaves room for the suffixes added to derived names (-lease, -schedule-dlq, ...) and keeps
    # the name safe inside the JSONPath and intrinsic-function strings of the state machine.
    condition     = can(regex("^[A-Za-z0-9_-]{1,48}$", var.name))
    error_message = "Set name to 1-48 letters, digits, hyphens or underscores."
  }
}

variable "schedule" {
  description = <<-EOT
    When the job runs. expression is an EventBridge Scheduler cron(...) or rate(...) expression,
    evaluated in time_zone (IANA name). enabled = false keeps the schedule but stops triggering.
    maximum_retry_attempts and maximum_event_age_seconds bound Scheduler's retries of a failed
    StartExecution before the trigger goes to the dead-letter queue.
  EOT
  type = object({
    expression                = string
    time_zone                 = optional(string, "UTC")
    enabled                   = optional(bool, true)
    group_name                = optional(string, "default")
    maximum_retry_attempts    = optional(number, 3)
    maximum_event_age_seconds = optional(number, 3600)
  })

  validation {
    condition     = can(regex("^(cron|rate)\\(.+\\)$", var.schedule.expression))
    error_message = "Set schedule.expression to a cron(...) or rate(...) expression, e.g. \"cron(0 3 * * ? *)\"."
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
  description = <<-EOT
    The ECS task to run. cluster_arn and task_definition_arn (with or without :revision) pick
    the task; essential_container_name is the container whose exit code decides success (ECS
    reports no "essential" flag per container, and sidecars stopped by ECS exit non-zero).
    Give either launch_type or capacity_provider_strategy (neither: the cluster default).
    network_configuration is required for awsvpc task definitions (all Fargate tasks).
    container_overrides replace command and add environment per container; treat environment
    values as secrets: they are kept out of logs unless log.include_execution_data is true.
    task_role_arn and execution_role_arn must be given when the task definition has them: they
    are the only roles the state machine may pass to ECS.
  EOT
  type = object({
    cluster_arn              = string
    task_definition_arn      = string
    essential_container_name = string
    task_role_arn            = optional(string)
    execution_role_arn       = optional(string)
    launch_type              = optional(string)
    capacity_provider_strategy = optional(list(object({
      capacity_provider = string
      weight            = optional(number, 1)
      base              = optional(number, 0)
    })))
    platform_version = optional(string)
    network_configuration = optional(object({
      subnets          = list(string)
      security_groups  = optional(list(string), [])
      assign_public_ip = optional(bool, false)
    }))
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
  description = "Longest the task may run. The run is stopped and fails after this; the lease it holds is released or, if the execution itself was cut short, becomes free as soon as the execution is no longer running."
  type        = number
  default     = 3600

  validation {
    condition     = var.max_run_seconds >= 60 && var.max_run_seconds <= 31000000 && floor(var.max_run_seconds) == var.max_run_seconds
    error_message = "Set max_run_seconds to a whole number of seconds between 60 and 31000000 (Step Functions' one-year limit leaves room for waiting)."
  }
}

variable "overlap" {
  description = <<-EOT
    What a run does when the previous run still holds the lease. policy = "skip" (default) ends
    the run at once as skipped (a Succeeded execution, a SkippedRuns metric, an optional SNS
    notice). policy = "wait" retries the lease every poll_seconds for up to wait_seconds, then
    skips.
  EOT
  type = object({
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
  description = "An existing lease table to share between jobs (name and arn; partition key lockId, type S). Null creates a table for this job."
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
  description = "Deletion protection of the lease table this module creates. Turn off only to let terraform destroy remove it."
  type        = bool
  default     = true

  validation {
    condition     = var.lease_table_deletion_protection != null
    error_message = "Set lease_table_deletion_protection to true or false."
  }
}

variable "kms_key_arn" {
  description = "Customer managed KMS key for the lease table, state machine data, log group, dead-letter queue and schedule input. Its key policy must let DynamoDB, Step Functions, CloudWatch Logs, SQS and EventBridge Scheduler use it. Null uses AWS managed encryption."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "Set kms_key_arn to a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), or leave it null."
  }
}

variable "log" {
  description = "State machine logging. level ALL records every state; ERROR only failures. include_execution_data = true copies inputs and outputs (including container override values) into the log: leave it false unless they hold no secrets."
  type = object({
    level                  = optional(string, "ALL")
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
  description = "SNS topic that receives a notice for every skipped run. Null sends none (the SkippedRuns metric is always published)."
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
