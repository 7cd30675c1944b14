variable "name" {
  description = "Name of this deployment; prefixes every resource (tables, queue, function, rule)."
  type        = string
  default     = "ecs-events"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,40}$", var.name))
    error_message = "name must be 1-40 letters, digits, '_' or '-' so every derived resource name stays within AWS limits."
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
  description = "Customer managed KMS key for the tables, queues, log groups and function environment; null uses AWS managed encryption. The key policy must let EventBridge (events.amazonaws.com) use the key for the queues and CloudWatch Logs (logs.<region>.amazonaws.com) for the log groups."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>) or null."
  }
}

variable "tables" {
  description = "State tables: deletion protection, point-in-time recovery, and how many days a stopped task or deregistered instance is kept (0 keeps it forever)."
  type = object({
    deletion_protection    = optional(bool, true)
    point_in_time_recovery = optional(bool, true)
    retention_days         = optional(number, 90)
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
  description = "ARNs (SNS topics) notified when the module's alarms change state, such as events waiting in the dead-letter queue."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags for every resource the module creates."
  type        = map(string)
  default     = {}
}
