variable "name" {
  description = "Name of the dead-letter queue."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,80}$", var.name))
    error_message = "name must be 1-80 letters, digits, '_' or '-' (the SQS queue name limit)."
  }
}

variable "senders" {
  description = "AWS services that deliver to the queue through its resource policy, each only on behalf of the given source ARNs (for example EventBridge rules whose targets use this queue as their dead-letter queue)."
  type = list(object({
    service     = string
    source_arns = list(string)
  }))
  default = []
}

variable "alarm_description" {
  description = "What a person reads when the queue holds messages: what waits here and where to look."
  type        = string
}

variable "alarm_actions" {
  description = "ARNs (SNS topics) notified when the queue starts or stops holding messages."
  type        = list(string)
  default     = []
}

variable "kms_key_arn" {
  description = "Customer managed KMS key for the queue; null uses SQS managed encryption."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for every resource this module creates."
  type        = map(string)
  default     = {}
}
