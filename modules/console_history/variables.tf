variable "name" {
  description = "Prefix of the Logs resource policy (<name>-console-history), when this module creates one."
  type        = string
}

variable "cluster_arns" {
  description = "ECS clusters (of this account and region) whose console History tab is turned on."
  type        = list(string)

  validation {
    condition     = length(var.cluster_arns) > 0
    error_message = "The console History tab is per cluster: name the clusters in cluster_arns (every cluster of the region cannot be known at plan time)."
  }

  validation {
    condition     = alltrue([for arn in var.cluster_arns : can(regex("^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:cluster/.+$", arn))])
    error_message = "Each cluster_arns entry must be a cluster ARN: arn:aws:ecs:<region>:<account>:cluster/<name>."
  }
}

variable "retention_days" {
  description = "Days CloudWatch Logs keeps each cluster's console history (the console's own default is 7)."
  type        = number
  default     = 7

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.retention_days)
    error_message = "retention_days must be a value CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "create_log_groups" {
  description = "Create the /aws/events/ecs/containerinsights/<cluster>/performance groups; false writes into groups that already exist (turned on in the console before) without managing them."
  type        = bool
  default     = true
}

variable "create_log_resource_policy" {
  description = "Create a Logs resource policy admitting EventBridge to /aws/events/ groups; false when the event log's policy (modules/history) or another one of the region already does."
  type        = bool
  default     = false
}

variable "kms_key_arn" {
  description = "Customer managed KMS key for the log groups; null uses CloudWatch Logs' own encryption."
  type        = string
  default     = null
}

variable "queue_kms_key_arn" {
  description = "Customer managed KMS key for the dead-letter queue; null uses SQS managed encryption. Its policy must let EventBridge use it."
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
