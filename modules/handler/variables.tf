variable "name" {
  description = "Name of the function and queue, prefix of the rules (<name>-<purpose>) and dead-letter queue; the IAM role, global, is <name>-<region>."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,48}$", var.name))
    error_message = "name must be 1-48 letters, digits, '_' or '-': the role <name>-<region> and the rules <name>-<purpose> must fit the 64-character IAM role and EventBridge rule name limits."
  }
}

variable "package_path" {
  description = "Path of the Lambda zip built by tools/package_lambda.py."
  type        = string
}

variable "state" {
  description = "The state tables the handler writes (outputs of modules/state)."
  type = object({
    task_table_name               = string
    task_table_arn                = string
    container_instance_table_name = string
    container_instance_table_arn  = string
  })
}

variable "cluster_arns" {
  description = "Mirror only the task and container-instance events of these ECS clusters; empty mirrors every cluster whose events reach the bus."
  type        = list(string)
  default     = []
}

variable "event_patterns" {
  description = "EventBridge patterns (JSON strings) of further events sent to the handler, by purpose (modules/alerts' event_patterns); one rule each, all feeding the queue, beside the state-change rule (purpose state)."
  type        = map(string)
  default     = {}

  validation {
    condition     = !contains(keys(var.event_patterns), "state") && alltrue([for pattern in values(var.event_patterns) : can(jsondecode(pattern))])
    error_message = "event_patterns must be JSON objects by purpose; the purpose state is the handler's own state-change rule."
  }
}

variable "environment" {
  description = "Extra environment variables for the function (settings, never secrets)."
  type        = map(string)
  default     = {}
}

variable "extra_policy_json" {
  description = "Additional IAM policy (JSON) for capabilities that ride on the handler, such as publishing alerts; null for none."
  type        = string
  default     = null
}

variable "function" {
  description = "Sizing and batching of the function and its event source mapping."
  type = object({
    memory_mb               = number
    timeout_seconds         = number
    batch_size              = number
    batching_window_seconds = number
    maximum_concurrency     = number
    log_level               = string
    tracing_mode            = string
  })
}

variable "event_bus_name" {
  description = "Event bus the rules attach to: the account's default bus, or a central bus that member accounts forward their ECS events to (modules/forwarder)."
  type        = string
  default     = "default"

  validation {
    condition     = can(regex("^[A-Za-z0-9._/-]{1,256}$", var.event_bus_name))
    error_message = "event_bus_name must be an event bus name (1-256 letters, digits, '.', '_', '-' or '/'), such as default."
  }
}

variable "kms_key_arn" {
  description = "Customer managed KMS key for the queues, the log group and the function's environment; null uses AWS managed encryption."
  type        = string
  default     = null
}

variable "log_retention_days" {
  description = "Days to keep the function's logs."
  type        = number
}

variable "alarm_actions" {
  description = "ARNs notified when the dead-letter queue holds messages (SNS topics)."
  type        = list(string)
  default     = []
}

variable "iam_role_path" {
  description = "Path of the IAM roles this module creates."
  type        = string
  default     = "/"
}

variable "iam_permissions_boundary_arn" {
  description = "ARN of the policy set as permissions boundary of the IAM roles this module creates; null for none."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for every resource this module creates."
  type        = map(string)
  default     = {}
}
