variable "name" {
  description = "Name of the function, schedule and log group; prefix of the dead-letter queue. The IAM roles, global, are <name>-<region> and <name>-sch-<region>."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,44}$", var.name))
    error_message = "name must be 1-44 letters, digits, '_' or '-': the role <name>-sch-<region> must fit IAM's 64-character limit for role names."
  }
}

variable "package_path" {
  description = "Path of the Lambda zip built by tools/package_lambda.py (the handler's package)."
  type        = string
}

variable "state" {
  description = "The state tables the reconciler writes (outputs of modules/state)."
  type = object({
    task_table_name               = string
    task_table_arn                = string
    container_instance_table_name = string
    container_instance_table_arn  = string
  })
}

variable "cluster_arns" {
  description = "Clusters to reconcile; empty reconciles every cluster in the region (ecs:ListClusters)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.cluster_arns : can(regex("^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:cluster/.+$", arn))])
    error_message = "Each cluster_arns entry must be a cluster ARN: arn:aws:ecs:<region>:<account>:cluster/<name>."
  }
}

variable "schedule_minutes" {
  description = "Minutes between runs."
  type        = number
  default     = 15

  validation {
    condition     = var.schedule_minutes >= 1 && floor(var.schedule_minutes) == var.schedule_minutes
    error_message = "schedule_minutes must be a whole number of minutes, 1 or more."
  }
}

variable "function" {
  description = "Sizing and log level of the function."
  type = object({
    memory_mb       = number
    timeout_seconds = number
    log_level       = string
  })
}

variable "reserve_concurrency" {
  description = "Reserve one concurrent execution for the function. Lambda refuses a reservation that leaves the account fewer than 100 unreserved executions, so new and sandbox accounts (limit 10 or 50) cannot apply it; runs stay apart without it (the timeout is shorter than the interval) and an overlap is harmless (writes are version-guarded)."
  type        = bool
  default     = false
}

variable "retention_days" {
  description = "Days a stopped task or deregistered instance is kept (the tables' TTL), as for the handler."
  type        = number
}

variable "kms_key_arn" {
  description = "Customer managed KMS key for the log group, dead-letter queue, schedule and function environment; null uses AWS managed encryption."
  type        = string
  default     = null
}

variable "log_retention_days" {
  description = "Days to keep the function's logs."
  type        = number
}

variable "alarm_actions" {
  description = "ARNs (SNS topics) notified when failed runs wait in the dead-letter queue."
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

variable "member_role_arns" {
  description = "Read-only roles in member accounts (modules/forwarder's read_role) that the reconciler assumes to read those accounts' clusters; empty reads this account only."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.member_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", arn))])
    error_message = "Each member_role_arns entry must be an IAM role ARN: arn:aws:iam::<account>:role/<name>."
  }
}

variable "member_regions" {
  description = "Regions whose clusters are read in each member account when cluster_arns names none of that account; empty means the function's own region."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for region in var.member_regions : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", region))])
    error_message = "Each member_regions entry must be a region name such as eu-west-1."
  }
}
