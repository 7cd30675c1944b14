variable "name" {
  description = "Prefix of the delivery sources, destinations and saved queries."
  type        = string
}

variable "cluster_arns" {
  description = "ECS clusters (of this account and region) whose Action Logs are delivered."
  type        = list(string)

  validation {
    condition     = length(var.cluster_arns) > 0
    error_message = "Action Logs are per cluster: name the clusters in cluster_arns."
  }

  validation {
    condition     = alltrue([for arn in var.cluster_arns : can(regex("^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:cluster/.+$", arn))])
    error_message = "Each cluster_arns entry must be a cluster ARN: arn:aws:ecs:<region>:<account>:cluster/<name>."
  }
}

variable "retention_days" {
  description = "Days CloudWatch Logs keeps the Action Logs."
  type        = number
}

variable "kms_key_arn" {
  description = "Customer managed KMS key for the log groups; null uses CloudWatch Logs' own encryption."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for every resource this module creates."
  type        = map(string)
  default     = {}
}
