variable "name" {
  description = "Prefix of the rule, log group (/aws/events/<name>), queue and queries."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,50}$", var.name))
    error_message = "name must be 1-50 letters, digits, '_' or '-' (rule and queue name limits, with room for suffixes)."
  }
}

variable "cluster_arns" {
  description = "ECS cluster ARNs whose events are logged; empty logs every ECS event in the region."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.cluster_arns : can(regex("^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:cluster/.+$", arn))])
    error_message = "Each cluster_arns entry must be a cluster ARN: arn:aws:ecs:<region>:<account>:cluster/<name>."
  }
}

variable "retention_days" {
  description = "Days CloudWatch Logs keeps the events."
  type        = number
}

variable "log_group_class" {
  description = "Log class of the event log: STANDARD, or INFREQUENT_ACCESS, which halves the ingestion price and still answers every Logs Insights query the module saves (all commands but pattern, diff, filterIndex and unmask: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_AnalyzeLogData_Classes.html), but serves no metric or subscription filters and no Live Tail. CloudWatch Logs cannot change a group's class: changing it replaces the group and deletes the events it holds."
  type        = string
  default     = "STANDARD"

  validation {
    condition     = contains(["STANDARD", "INFREQUENT_ACCESS"], var.log_group_class)
    error_message = "log_group_class must be STANDARD or INFREQUENT_ACCESS."
  }
}

variable "create_log_resource_policy" {
  description = "Create the account-level CloudWatch Logs resource policy that lets EventBridge write to /aws/events/ log groups of this region; false when another deployment of the region or the account already has one (a region holds at most 10)."
  type        = bool
  default     = true
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
  description = "Customer managed KMS key for the log group and dead-letter queue; null uses AWS managed encryption. Its policy must let CloudWatch Logs and EventBridge use it."
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
