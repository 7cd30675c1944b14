variable "name" {
  # Regional resources carry the name as it is; IAM roles, which are global, add the region
  # (<name>-<region>, <name>-reconciler-<region>), so one name can be deployed in several
  # regions of an account (docs/operations.md, Several regions).
  description = "Name of this deployment; prefixes every resource the module creates."
  type        = string
  default     = "ecs-events"

  # The longest names derived from it, against AWS's limits (the "Names and
  # limits" table of docs/operations.md lists them all): the reconciler schedule's role
  # <name>-reconciler-sch-<region> (IAM role name, 64; regions have up to 15 characters)
  # and the rule <name>-service-actions (EventBridge rule name, 64).
  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,33}$", var.name))
    error_message = "name must be 1-33 letters, digits, '_' or '-': the IAM role <name>-reconciler-sch-<region> must fit IAM's 64-character limit for role names."
  }
}

variable "iam_role_path" {
  # Organisations often reserve a path for roles a permissions boundary or SCP applies to.
  description = "Path of every IAM role the module creates, such as /service-roles/."
  type        = string
  default     = "/"

  validation {
    condition     = can(regex("^/([\\x21-\\x7E]{1,510}/)?$", var.iam_role_path)) && length(var.iam_role_path) <= 512
    error_message = "iam_role_path must begin and end with '/' (such as / or /service-roles/) and be at most 512 characters."
  }
}

variable "iam_permissions_boundary_arn" {
  # Organisations that refuse role creation without a boundary need it; the boundary must allow
  # what the roles' policies grant (docs/operations.md, IAM roles, lists it).
  description = "ARN of the IAM policy set as permissions boundary of every role the module creates; null for none."
  type        = string
  default     = null

  validation {
    condition     = var.iam_permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", var.iam_permissions_boundary_arn))
    error_message = "iam_permissions_boundary_arn must be an IAM policy ARN (arn:aws:iam::<account>:policy/<name>) or null."
  }
}

variable "cluster_arns" {
  description = "ECS cluster ARNs whose events are mirrored; empty means every cluster in the region."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.cluster_arns : can(regex("^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:cluster/.+$", arn))])
    error_message = "Each cluster_arns entry must be a cluster ARN: arn:aws:ecs:<region>:<account>:cluster/<name>."
  }
}

variable "kms_key_arn" {
  # The key policy must let EventBridge (events.amazonaws.com) use the key for the queues (and
  # DescribeKey it for the bus), with no aws:SourceAccount or aws:SourceArn condition, and
  # CloudWatch Logs (logs.<region>.amazonaws.com) for the log groups; examples/complete has such
  # a policy (docs/operations.md, Customer managed keys).
  description = "Customer managed KMS key for the tables, queues, log groups, function environment and central bus the module creates; null uses AWS managed encryption."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>) or null."
  }
}

variable "tables" {
  description = "State tables: deletion protection, point-in-time recovery, retention and the query index."
  type = object({
    deletion_protection    = optional(bool, true)
    point_in_time_recovery = optional(bool, true)
    # Days a stopped task or deregistered instance is kept; 0 keeps it forever.
    retention_days = optional(number, 90)
    # The task table's index for `ecs-events tasks` (a cluster's running or stopped tasks, by
    # service, family or container instance); it adds 2 write units per task, whatever the
    # number of its state changes.
    query_indexes = optional(bool, true)
  })
  default = {}

  validation {
    condition     = var.tables.retention_days >= 0 && floor(var.tables.retention_days) == var.tables.retention_days
    error_message = "tables.retention_days must be a whole number of days, 0 or more (0 keeps stopped tasks forever)."
  }
}

variable "handler" {
  description = "Sizing of the handler function and its SQS event source mapping."
  type = object({
    memory_mb               = optional(number, 256)
    timeout_seconds         = optional(number, 60)
    batch_size              = optional(number, 10)
    batching_window_seconds = optional(number, 1)
    maximum_concurrency     = optional(number, 5)
    log_level               = optional(string, "INFO")
    tracing_mode            = optional(string, "PassThrough")
  })
  default = {}

  validation {
    condition     = var.handler.memory_mb >= 128 && var.handler.memory_mb <= 10240
    error_message = "handler.memory_mb must be between 128 and 10240."
  }

  validation {
    condition     = var.handler.timeout_seconds >= 3 && var.handler.timeout_seconds <= 900
    error_message = "handler.timeout_seconds must be between 3 and 900."
  }

  validation {
    condition     = var.handler.batch_size >= 1 && var.handler.batch_size <= 10000 && (var.handler.batch_size <= 10 || var.handler.batching_window_seconds >= 1)
    error_message = "handler.batch_size must be 1-10000; above 10 SQS needs batching_window_seconds of at least 1."
  }

  validation {
    condition     = var.handler.batching_window_seconds >= 0 && var.handler.batching_window_seconds <= 300
    error_message = "handler.batching_window_seconds must be between 0 and 300."
  }

  validation {
    condition     = var.handler.maximum_concurrency >= 2 && var.handler.maximum_concurrency <= 1000
    error_message = "handler.maximum_concurrency must be between 2 and 1000 (the SQS event source mapping's range)."
  }

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"], var.handler.log_level)
    error_message = "handler.log_level must be one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL."
  }

  validation {
    condition     = contains(["PassThrough", "Active"], var.handler.tracing_mode)
    error_message = "handler.tracing_mode must be PassThrough or Active (Active sends X-Ray traces, which are billed)."
  }
}

variable "alerts" {
  description = "Failure alerts to SNS: which failures, to which topic, how often and in which form."
  type = object({
    # Alerts are off unless enabled.
    enabled = optional(bool, false)
    # An existing topic; null creates <name>-alerts with the email subscriptions.
    topic_arn = optional(string)
    # The customer managed key topic_arn is encrypted with: the handler's role gets
    # kms:GenerateDataKey and kms:Decrypt on it, and the key policy must let IAM policies of the
    # account grant them.
    topic_kms_key_arn = optional(string)
    email_addresses   = optional(list(string), [])
    # Which triggers fire (docs/alerts.md); spot_interruption is opt-in.
    triggers = optional(object({
      task_exit          = optional(bool, true)
      task_start_failure = optional(bool, true)
      deployment_failure = optional(bool, true)
      service_action     = optional(bool, true)
      instance_health    = optional(bool, true)
      daemon_failure     = optional(bool, true)
      hook_failure       = optional(bool, true)
      spot_interruption  = optional(bool, false)
    }), {})
    # Further failures of one family and reason within the window are counted, not sent; 0 turns
    # it off.
    storm_window_minutes = optional(number, 15)
    # Every failure alert opens or updates an incident of its family, service, container
    # instance or daemon. With resolution, one message ends it when the thing recovers
    # (deployment completed, steady state, health OK, instance gone) or, for families,
    # services and daemons, when quiet_minutes pass with no new failure; resolve lists the
    # kinds that resolve. One one-time EventBridge Scheduler schedule per open incident times
    # the quiet period: nothing runs while nothing fails.
    incidents = optional(object({
      resolution    = optional(bool, true)
      quiet_minutes = optional(number, 15)
      resolve       = optional(list(string), ["family", "service", "instance", "daemon"])
    }), {})
    # The failed container's last log lines: a DescribeTaskDefinition per task definition
    # revision and a GetLogEvents per alert.
    last_log_lines = optional(object({
      enabled    = optional(bool, true)
      lines      = optional(number, 10)
      timeout_ms = optional(number, 2000)
      # Narrows what the handler may read; empty means every log group of its account and
      # region.
      log_group_arns = optional(list(string), [])
      # Python regular expressions whose matches become [REDACTED] in the log lines, besides
      # the built-in secret shapes and the task's own environment-override values.
      redact_patterns = optional(list(string), [])
    }), {})
    # HTTPS subscribers, such as Amazon Q Developer in chat applications, get the chat form.
    chat_format = optional(bool, true)
    # Exit codes that count as failure; an empty list means any non-zero.
    exit_codes = optional(list(number), [1, 137, 139, 255])
    # Family and service filters; empty means all.
    families = optional(list(string), [])
    services = optional(list(string), [])
    # An alarm on the Failures metric (dimension Stack).
    alarm = optional(object({
      enabled        = optional(bool, false)
      threshold      = optional(number, 1)
      period_seconds = optional(number, 300)
    }), {})
  })
  default = {}

  # Without this, alerts = { email_addresses = [...] } alone would create nothing and say
  # nothing. Inputs whose defaults are lists or numbers (triggers, exit_codes) are not
  # compared: only the ones that can only mean "I want alerts".
  validation {
    condition     = var.alerts.enabled || (var.alerts.topic_arn == null && var.alerts.topic_kms_key_arn == null && length(var.alerts.email_addresses) == 0 && length(var.alerts.families) == 0 && length(var.alerts.services) == 0 && !var.alerts.alarm.enabled && !var.alerts.triggers.spot_interruption && length(var.alerts.last_log_lines.log_group_arns) == 0)
    error_message = "alerts sets topic_arn, topic_kms_key_arn, email_addresses, families, services, alarm, triggers.spot_interruption or last_log_lines.log_group_arns, but alerts are off: add enabled = true to alerts (or remove those settings)."
  }

  validation {
    condition     = !var.alerts.enabled || anytrue(values(var.alerts.triggers))
    error_message = "alerts.triggers turns every trigger off; turn one on or set alerts.enabled = false."
  }

  validation {
    condition     = var.alerts.storm_window_minutes >= 0 && var.alerts.storm_window_minutes <= 1440 && floor(var.alerts.storm_window_minutes) == var.alerts.storm_window_minutes
    error_message = "alerts.storm_window_minutes must be a whole number from 0 (every failure alerts) to 1440 (a day)."
  }

  validation {
    condition     = var.alerts.incidents.quiet_minutes >= 1 && var.alerts.incidents.quiet_minutes <= 1440 && floor(var.alerts.incidents.quiet_minutes) == var.alerts.incidents.quiet_minutes
    error_message = "alerts.incidents.quiet_minutes must be a whole number from 1 to 1440 (a day): the failure-free time after which a family, service or daemon incident is resolved."
  }

  validation {
    condition     = alltrue([for kind in var.alerts.incidents.resolve : contains(["family", "service", "instance", "daemon"], kind)])
    error_message = "alerts.incidents.resolve may list family, service, instance and daemon (scheduled jobs resolve in modules/scheduled_task); set incidents.resolution = false to resolve none."
  }

  validation {
    condition     = var.alerts.last_log_lines.lines >= 1 && var.alerts.last_log_lines.lines <= 50 && var.alerts.last_log_lines.timeout_ms >= 100 && var.alerts.last_log_lines.timeout_ms <= 10000
    error_message = "alerts.last_log_lines.lines must be 1-50 and timeout_ms 100-10000 (a slow Logs API delays each alert by at most timeout_ms); set enabled = false to leave log lines out."
  }

  validation {
    condition     = alltrue([for arn in var.alerts.last_log_lines.log_group_arns : can(regex("^arn:aws[a-z-]*:logs:[a-z0-9-]+:[0-9]{12}:log-group:[^:]+$", arn))])
    error_message = "alerts.last_log_lines.log_group_arns must be log group ARNs without a trailing :* (arn:aws:logs:<region>:<account>:log-group:<name>; the name may end in *)."
  }

  # Terraform's regexall (no error on no match) is RE2; the handler's is Python's re, which also has lookarounds and
  # backreferences. So: RE2 accepts it, or it uses one of those (Python checks it at cold
  # start and refuses a bad one). Lambda's environment holds 4 KB in all:
  # https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
  validation {
    condition = length(jsonencode(var.alerts.last_log_lines.redact_patterns)) <= 2048 && alltrue([
      for pattern in var.alerts.last_log_lines.redact_patterns :
      length(pattern) > 0 && (can(regexall(pattern, "")) || can(regex("\\(\\?<?[=!]|\\\\[1-9]", pattern)))
    ])
    error_message = "alerts.last_log_lines.redact_patterns must be non-empty regular expressions (Python re syntax; RE2 checks what it can), 2048 characters in all as JSON."
  }

  validation {
    condition     = alltrue([for code in var.alerts.exit_codes : code >= 1 && code <= 255 && floor(code) == code])
    error_message = "alerts.exit_codes must be whole numbers from 1 to 255 (an empty list means any non-zero exit)."
  }

  validation {
    condition     = alltrue([for address in var.alerts.email_addresses : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", address))])
    error_message = "alerts.email_addresses must be email addresses such as oncall@example.com."
  }

  validation {
    condition     = var.alerts.topic_kms_key_arn == null || (var.alerts.topic_arn != null && can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", coalesce(var.alerts.topic_kms_key_arn, "-"))))
    error_message = "alerts.topic_kms_key_arn is the KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>) of your own alerts.topic_arn; the topic the module creates uses kms_key_arn."
  }

  validation {
    condition     = var.alerts.topic_arn == null || length(var.alerts.email_addresses) == 0
    error_message = "alerts.email_addresses subscribe to the topic the module creates; with alerts.topic_arn set, subscribe to your topic yourself."
  }

  validation {
    condition     = var.alerts.alarm.threshold >= 1 && (contains([10, 30], var.alerts.alarm.period_seconds) || var.alerts.alarm.period_seconds % 60 == 0)
    error_message = "alerts.alarm.threshold must be 1 or more and alerts.alarm.period_seconds 10, 30, or a multiple of 60."
  }
}

variable "history" {
  description = "Event log: every ECS event of the selected clusters in /aws/events/<name>, straight from EventBridge, with saved Logs Insights queries."
  type = object({
    enabled = optional(bool, true)
    # Null keeps events for log_retention_days.
    retention_days = optional(number)
    # EventBridge writes to CloudWatch Logs through an account-level Logs resource policy, of
    # which a region holds at most 10 (shared with Route 53, OpenSearch and others): true
    # creates one that admits EventBridge to every /aws/events/ log group of the region, which
    # other deployments in the region (and the EventBridge console's own rules) reuse; set it to
    # false in every other deployment of the region, or when the account already has such a
    # policy.
    create_log_resource_policy = optional(bool, true)
    # INFREQUENT_ACCESS halves the event log's ingestion price (the largest item of the cost
    # per event; `python -m benchmarks.cost`) and keeps every saved query working, but a
    # group's class cannot change in place: changing it on a deployed event log replaces the
    # group and deletes the events it holds.
    log_class = optional(string, "STANDARD")
  })
  default = {}

  validation {
    condition     = contains(["STANDARD", "INFREQUENT_ACCESS"], var.history.log_class)
    error_message = "history.log_class must be STANDARD or INFREQUENT_ACCESS (half the ingestion price; changing it on a deployed event log replaces the group and deletes its events)."
  }

  validation {
    condition     = var.history.enabled || var.history.retention_days == null
    error_message = "history.retention_days is set but history.enabled is false: remove enabled = false (the event log is on by default) or retention_days."
  }

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], coalesce(var.history.retention_days, 365))
    error_message = "history.retention_days must be null (use log_retention_days) or a value CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "console_history" {
  description = "The ECS console's History tab for each of cluster_arns (which must be named), with the log group and rule the console looks for."
  type = object({
    enabled = optional(bool, false)
    # The console's own default; each cluster's group is one more ingestion of its events.
    retention_days = optional(number, 7)
    # false writes into groups that exist already (capture turned on in the console before;
    # or import them, docs in the README). The event log's Logs resource policy admits them.
    create_log_groups = optional(bool, true)
  })
  default = {}

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.console_history.retention_days)
    error_message = "console_history.retention_days must be a value CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "action_logs" {
  description = "ECS Action Logs (deployment and daemon decisions with AWS's reasons) of each of cluster_arns, into /aws/events/ecs/action-logs/<cluster>."
  type = object({
    # Admitted by the event log's Logs resource policy (history); without it CreateDelivery
    # would add the groups to the account-shared AWSLogDeliveryWrite20150319 policy.
    enabled = optional(bool, false)
    # Null keeps them for log_retention_days.
    retention_days = optional(number)
  })
  default = {}

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], coalesce(var.action_logs.retention_days, 365))
    error_message = "action_logs.retention_days must be null (use log_retention_days) or a value CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "reconciler" {
  description = "Scheduled reconciler that heals the mirror from the ECS API through the version guard; off by default."
  type = object({
    enabled = optional(bool, false)
    # It reads running and recently stopped tasks and the container instances every
    # schedule_minutes.
    schedule_minutes = optional(number, 15)
    memory_mb        = optional(number, 256)
    # At most the interval, so a run ends before the next is due; overlapping runs are harmless
    # anyway (every write is version-guarded).
    timeout_seconds = optional(number, 300)
    log_level       = optional(string, "INFO")
    # true reserves one concurrent execution, which Lambda refuses when it would leave the
    # account fewer than 100 unreserved executions (new and sandbox accounts, with a limit of 10
    # or 50).
    reserve_concurrency = optional(bool, false)
    # Read roles in member accounts of a fleet (role_arns, or role_name with account_ids); a
    # member account's cluster_arns are read through its role.
    members = optional(object({
      role_arns   = optional(list(string), [])
      role_name   = optional(string)
      account_ids = optional(list(string), [])
      # The regions to read in each member; empty means the reconciler's region.
      regions = optional(list(string), [])
    }), {})
  })
  default = {}

  validation {
    condition     = alltrue([for arn in var.reconciler.members.role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", arn))])
    error_message = "reconciler.members.role_arns must be IAM role ARNs (arn:aws:iam::<account>:role/<name>), the read roles modules/forwarder creates in member accounts."
  }

  validation {
    condition     = (var.reconciler.members.role_name == null) == (length(var.reconciler.members.account_ids) == 0) && alltrue([for account in var.reconciler.members.account_ids : can(regex("^[0-9]{12}$", account))])
    error_message = "reconciler.members.role_name and reconciler.members.account_ids go together: the role name of the read role in each member account and the 12-digit account IDs."
  }

  validation {
    condition     = alltrue([for region in var.reconciler.members.regions : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", region))])
    error_message = "reconciler.members.regions must be region names such as eu-west-1 (empty: the reconciler's own region)."
  }

  validation {
    condition     = var.reconciler.enabled || (var.reconciler.schedule_minutes == 15 && var.reconciler.memory_mb == 256 && var.reconciler.timeout_seconds == 300 && var.reconciler.log_level == "INFO" && !var.reconciler.reserve_concurrency && length(var.reconciler.members.role_arns) == 0 && var.reconciler.members.role_name == null && length(var.reconciler.members.regions) == 0)
    error_message = "reconciler settings are given but the reconciler is off: add enabled = true to reconciler (or remove the settings)."
  }

  validation {
    condition     = var.reconciler.schedule_minutes >= 1 && floor(var.reconciler.schedule_minutes) == var.reconciler.schedule_minutes
    error_message = "reconciler.schedule_minutes must be a whole number of minutes, 1 or more."
  }

  validation {
    condition     = var.reconciler.memory_mb >= 128 && var.reconciler.memory_mb <= 10240
    error_message = "reconciler.memory_mb must be between 128 and 10240."
  }

  validation {
    condition     = var.reconciler.timeout_seconds >= 3 && var.reconciler.timeout_seconds <= 900 && var.reconciler.timeout_seconds <= var.reconciler.schedule_minutes * 60
    error_message = "reconciler.timeout_seconds must be 3-900 and no longer than the schedule interval (schedule_minutes * 60), so a run ends before the next one is due."
  }

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"], var.reconciler.log_level)
    error_message = "reconciler.log_level must be one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL."
  }
}

variable "event_bus" {
  description = "Event bus the module's rules attach to: the account's default bus, or a central bus that member accounts forward their ECS events to (modules/forwarder)."
  type = object({
    name = optional(string, "default")
    # true creates the bus with a resource policy admitting exactly one of organization_id,
    # organizational_unit_paths or account_ids to PutEvents; events delivered from another
    # account are billed as custom events.
    create = optional(bool, false)
    # o-...
    organization_id = optional(string)
    # o-.../r-.../ou-.../
    organizational_unit_paths = optional(list(string), [])
    account_ids               = optional(list(string), [])
  })
  default = {}

  validation {
    condition     = can(regex("^[A-Za-z0-9._/-]{1,256}$", var.event_bus.name)) && !(var.event_bus.create && var.event_bus.name == "default")
    error_message = "event_bus.name must be an event bus name (letters, digits, '.', '_', '-', '/'); with event_bus.create = true choose a name other than default."
  }

  validation {
    condition = var.event_bus.create ? length(concat(
      var.event_bus.organization_id == null ? [] : ["organization"],
      length(var.event_bus.organizational_unit_paths) == 0 ? [] : ["units"],
      length(var.event_bus.account_ids) == 0 ? [] : ["accounts"],
    )) == 1 : (var.event_bus.organization_id == null && length(var.event_bus.organizational_unit_paths) == 0 && length(var.event_bus.account_ids) == 0)
    error_message = "With event_bus.create = true set exactly one of organization_id, organizational_unit_paths or account_ids (who may put events on the bus); without it set none (the module writes a bus policy only on a bus it creates)."
  }
}

variable "monitoring" {
  description = "Self-monitoring: alarms on the pipeline and a CloudWatch dashboard; on by default."
  type = object({
    # false removes the alarms on the handler's errors and throttles, the queue's oldest event
    # and each rule's failed deliveries, and the dashboard (a few alarms and one dashboard a
    # month); the dead-letter and failure alarms belong to their parts and stay.
    enabled = optional(bool, true)
    # Age of the oldest event in the handler's queue that alarms (a stuck or slow consumer).
    oldest_message_age_seconds = optional(number, 900)
    errors                     = optional(number, 1)
    throttles                  = optional(number, 1)
    # Failed events per period that alarm: a batch whose every record fails raises no
    # handler error, so the errors alarm alone stays quiet.
    failed_events  = optional(number, 1)
    period_seconds = optional(number, 300)
    # The state_machine_arn and skipped_runs_metric outputs of each modules/scheduled_task,
    # drawn on the dashboard.
    scheduled_tasks = optional(list(object({
      state_machine_arn = string
      skipped_runs_metric = optional(object({
        namespace   = string
        metric_name = string
        dimensions  = map(string)
      }))
    })), [])
  })
  default = {}

  validation {
    condition     = var.monitoring.oldest_message_age_seconds >= 60 && var.monitoring.errors >= 1 && var.monitoring.throttles >= 1 && var.monitoring.failed_events >= 1
    error_message = "monitoring.oldest_message_age_seconds must be 60 or more, and monitoring.errors, monitoring.throttles and monitoring.failed_events 1 or more."
  }

  validation {
    condition     = contains([60, 300, 900, 3600], var.monitoring.period_seconds)
    error_message = "monitoring.period_seconds must be 60, 300, 900 or 3600."
  }
}

variable "log_retention_days" {
  description = "Days to keep the module's CloudWatch logs."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "alarm_actions" {
  # CloudWatch publishes as cloudwatch.amazonaws.com: a topic whose policy is not the default
  # must allow it sns:Publish, and a topic encrypted with a customer managed KMS key needs a key
  # policy that lets cloudwatch.amazonaws.com use kms:Decrypt and kms:GenerateDataKey*;
  # otherwise the alarms fire and nobody is notified (an AWS managed key, alias/aws/sns, cannot
  # allow it at all).
  description = "ARNs (SNS topics) notified when the module's alarms change state, such as events waiting in the dead-letter queue."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags for every resource the module creates."
  type        = map(string)
  default     = {}
}
