variable "name" {
  description = "Prefix of the rule (<name>-forward), role (<name>-forward-<region>) and dead-letter queue of this member account and region."
  type        = string
  default     = "ecs-events"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,34}$", var.name))
    error_message = "name must be 1-34 letters, digits, '_' or '-' (the role name <name>-forward-<region> must fit IAM's 64 characters)."
  }
}

variable "central_bus_arn" {
  # Its policy must admit this account (the root module's event_bus input).
  description = "ARN of the central event bus (the root module's event_bus_arn output) that this account's ECS events are forwarded to."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:events:[a-z0-9-]+:[0-9]{12}:event-bus/[A-Za-z0-9._/-]+$", var.central_bus_arn))
    error_message = "central_bus_arn must be an event bus ARN: arn:aws:events:<region>:<central account>:event-bus/<name>."
  }
}

variable "cluster_arns" {
  description = "Forward only the events of these ECS clusters; empty forwards every cluster of this account and region."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.cluster_arns : can(regex("^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:cluster/.+$", arn))])
    error_message = "Each cluster_arns entry must be a cluster ARN: arn:aws:ecs:<region>:<account>:cluster/<name>."
  }
}

variable "detail_types" {
  # Each forwarded event is billed by EventBridge as a custom event (docs/fleet.md, What it
  # costs).
  description = "ECS event types forwarded; the default is what the central module consumes (state mirror, alerts, event log)."
  type        = list(string)
  default = [
    "ECS Task State Change",
    "ECS Container Instance State Change",
    "ECS Deployment State Change",
    "ECS Service Action",
    "ECS Container Instance Health Change",
    "ECS Daemon Service Action",
    "ECS Daemon Deployment State Change",
    "ECS Hook State Change",
  ]

  validation {
    condition = length(var.detail_types) > 0 && alltrue([for detail_type in var.detail_types : contains([
      "ECS Task State Change",
      "ECS Container Instance State Change",
      "ECS Deployment State Change",
      "ECS Service Action",
      "ECS Container Instance Health Change",
      "ECS Daemon Service Action",
      "ECS Daemon Deployment State Change",
      "ECS Hook State Change",
    ], detail_type)])
    error_message = "detail_types must list one or more of: ECS Task State Change, ECS Container Instance State Change, ECS Deployment State Change, ECS Service Action, ECS Container Instance Health Change, ECS Daemon Service Action, ECS Daemon Deployment State Change, ECS Hook State Change."
  }
}

variable "retry" {
  description = "How long and how often EventBridge retries an event the central bus does not take before it goes to the dead-letter queue."
  type = object({
    maximum_event_age_seconds = optional(number, 86400)
    maximum_attempts          = optional(number, 185)
  })
  default = {}

  validation {
    condition     = var.retry.maximum_event_age_seconds >= 60 && var.retry.maximum_event_age_seconds <= 86400 && var.retry.maximum_attempts >= 0 && var.retry.maximum_attempts <= 185
    error_message = "retry.maximum_event_age_seconds must be 60-86400 and retry.maximum_attempts 0-185 (EventBridge's limits)."
  }
}

variable "read_role" {
  description = "The read-only role the central reconciler assumes to read this account's clusters; create it in one region per account (IAM is global), null elsewhere."
  type = object({
    name = optional(string, "ecs-events-read")
    # The central module's reconciler_role_arn output.
    trusted_role_arn = string
    # Limits what the role may read; empty means every cluster, every region.
    cluster_arns = optional(list(string), [])
  })
  default = null

  validation {
    condition     = var.read_role == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.read_role.trusted_role_arn))
    error_message = "read_role.trusted_role_arn must be the central reconciler's role ARN: arn:aws:iam::<central account>:role/<name>-reconciler."
  }

  validation {
    condition     = var.read_role == null || can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.read_role.name))
    error_message = "read_role.name must be a valid IAM role name (1-64 letters, digits and +=,.@_-)."
  }
}

variable "kms_key_arn" {
  # Its policy must let EventBridge use it.
  description = "Customer managed KMS key for the dead-letter queue; null uses SQS managed encryption."
  type        = string
  default     = null
}

variable "alarm_actions" {
  description = "ARNs (SNS topics) notified when events wait in the dead-letter queue."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags for every resource this module creates."
  type        = map(string)
  default     = {}
}
