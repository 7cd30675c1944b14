variable "name" {
  description = "Prefix of the topic, table and alarm names."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,200}$", var.name))
    error_message = "name must be letters, digits, '_' or '-'."
  }
}

variable "topic_arn" {
  description = "ARN of an existing SNS topic to publish to; null creates one (with a policy that admits only the publishers)."
  type        = string
  default     = null

  validation {
    condition     = var.topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:.+$", var.topic_arn))
    error_message = "topic_arn must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>) or null."
  }
}

variable "topic_kms_key_arn" {
  description = "Customer managed KMS key that encrypts topic_arn, the topic the caller brings; the publisher gets kms:GenerateDataKey and kms:Decrypt on it. null when that topic is unencrypted or uses the AWS managed key."
  type        = string
  default     = null

  validation {
    condition     = var.topic_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", coalesce(var.topic_kms_key_arn, "-")))
    error_message = "topic_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>) or null."
  }
}

variable "rules" {
  description = "Which failures alert and what an alert holds, passed to the handler as its environment (handler_environment): the triggers that are on, the exit codes that count as failure (empty: any non-zero), the family and service filters (empty: all), how long one delivery holds an alert before a redelivery may send it (the handler's timeout), the storm window, the log lines, their time budget and the patterns redacted from them, and the chat form."
  type = object({
    triggers             = map(bool)
    exit_codes           = list(number)
    families             = list(string)
    services             = list(string)
    claim_seconds        = number
    storm_window_minutes = number
    log_lines            = number
    log_timeout_ms       = number
    chat_format          = bool
    redact_patterns      = list(string)
    action_reason        = optional(bool, false)
  })
}

variable "cluster_arns" {
  description = "Alert only on events of these ECS clusters; empty alerts on every cluster whose events reach the bus."
  type        = list(string)
  default     = []
}

variable "publisher_role_arns" {
  description = "IAM roles allowed to publish to the created topic (the handler's role)."
  type        = list(string)
}

variable "email_addresses" {
  description = "Email addresses subscribed to the created topic; each must confirm the subscription."
  type        = list(string)
  default     = []
}

variable "alarm" {
  description = "Alarm on the failure metric of this deployment: failures (sum) in one period at or above the threshold notify alarm_actions."
  type = object({
    enabled        = bool
    threshold      = number
    period_seconds = number
  })
  default = { enabled = false, threshold = 1, period_seconds = 300 }
}

variable "alarm_actions" {
  description = "ARNs notified when the failure alarm changes state."
  type        = list(string)
  default     = []
}

variable "metric_namespace" {
  description = "CloudWatch namespace of the Failures metric the handler emits (the root module's, passed down)."
  type        = string
}

variable "log_reader" {
  description = "Let the publisher read the failed container's last log lines: ecs:DescribeTaskDefinition (for the awslogs configuration) and logs:GetLogEvents on log_group_arns. Empty log_group_arns means every log group of the topic's account and region, read-only."
  type = object({
    enabled        = bool
    log_group_arns = list(string)
  })
  default = { enabled = false, log_group_arns = [] }

  validation {
    condition     = alltrue([for arn in var.log_reader.log_group_arns : can(regex("^arn:aws[a-z-]*:logs:[a-z0-9-]+:[0-9]{12}:log-group:[^:]+$", arn))])
    error_message = "log_reader.log_group_arns must be log group ARNs without a trailing :* (arn:aws:logs:<region>:<account>:log-group:<name>; the name may end in *)."
  }
}

variable "incidents" {
  description = "How incidents end: resolution on or off, the quiet period, and which kinds resolve (family, service, instance, daemon)."
  type = object({
    resolution    = bool
    quiet_minutes = number
    resolve       = list(string)
  })
}

variable "incident_wake" {
  description = "Quiet-period wake-ups for incidents, sent by EventBridge Scheduler to queue_arn (the handler's queue)."
  # On: a schedule group, a role Scheduler runs as that may only send to queue_arn, and the
  # publisher's right to manage that group's schedules and pass that role. Off: incidents
  # resolve by recovery events only.
  type = object({
    enabled   = bool
    queue_arn = optional(string)
  })
  default = { enabled = false }

  validation {
    condition     = !var.incident_wake.enabled || can(regex("^arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:.+$", coalesce(var.incident_wake.queue_arn, "-")))
    error_message = "incident_wake.queue_arn must be the handler's SQS queue ARN (arn:aws:sqs:<region>:<account>:<name>) when incident_wake.enabled is true."
  }
}

variable "iam_role_path" {
  description = "Path of the IAM role the module creates (the incident wake-up role)."
  type        = string
  default     = "/"
}

variable "iam_permissions_boundary_arn" {
  description = "Permissions boundary of the IAM role the module creates; null for none."
  type        = string
  default     = null
}

variable "kms_key_arn" {
  description = "Customer managed KMS key for the topic and the table; null uses the AWS managed keys."
  type        = string
  default     = null
}

variable "deletion_protection" {
  description = "Refuse to delete the sent-alerts table."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for every resource this module creates."
  type        = map(string)
  default     = {}
}
