variable "name" {
  description = "Prefix of the table names: <name>-tasks and <name>-container-instances."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{1,200}$", var.name))
    error_message = "name must be 1-200 characters of letters, digits, '_', '.' or '-'."
  }
}

variable "kms_key_arn" {
  description = "ARN of a customer managed KMS key for table encryption; null uses the AWS managed key for DynamoDB."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:...) or null."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the tables (set false only for throwaway environments)."
  type        = bool
  default     = true
}

variable "point_in_time_recovery" {
  description = "Keep 35 days of point-in-time backups of both tables."
  type        = bool
  default     = true
}

variable "query_indexes" {
  description = "Create the task table's query index (a cluster's running or stopped tasks, by service, family or container instance). It adds 2 write units per task, whatever the number of its state changes; see the README's cost section."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for every resource this module creates."
  type        = map(string)
  default     = {}
}
