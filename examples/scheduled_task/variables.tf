# Defaults describe a job in a placeholder account (123456789012) so the example plans as is;
# set them to your cluster, task definition, roles and subnets to apply it.

variable "region" {
  description = "AWS region to deploy the scheduled job in."
  type        = string
  default     = "eu-west-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "Set region to an AWS region name such as eu-west-1."
  }
}

variable "account_id" {
  description = "AWS account that holds the cluster, task definition and roles."
  type        = string
  default     = "123456789012"

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "Set account_id to the 12-digit AWS account ID."
  }
}

variable "subnet_ids" {
  description = "Private subnets the Fargate task runs in."
  type        = list(string)
  default     = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]

  validation {
    condition     = length(var.subnet_ids) > 0
    error_message = "List at least one subnet ID."
  }
}

variable "security_group_ids" {
  description = "Security groups of the task's network interface."
  type        = list(string)
  default     = ["sg-0a1b2c3d4e5f60001"]

  validation {
    condition     = length(var.security_group_ids) > 0
    error_message = "List at least one security group ID."
  }
}

variable "task_poll_seconds" {
  description = "How often the job's state machine checks whether its task has stopped (tests set 1)."
  type        = number
  default     = 60

  validation {
    condition     = var.task_poll_seconds >= 1
    error_message = "Set task_poll_seconds to 1 or more seconds."
  }
}

variable "overlap" {
  description = "What a run does while the previous one still holds the lease: { policy = \"skip\" } or { policy = \"wait\", wait_seconds, poll_seconds }."
  type = object({
    policy       = optional(string, "skip")
    wait_seconds = optional(number, 300)
    poll_seconds = optional(number, 30)
  })
  default = {}

  validation {
    condition     = contains(["skip", "wait"], var.overlap.policy)
    error_message = "Set overlap.policy to \"skip\" or \"wait\"."
  }
}

variable "max_run_seconds" {
  description = "Longest the nightly report may run before it is stopped and alerted on."
  type        = number
  default     = 7200

  validation {
    condition     = var.max_run_seconds >= 60
    error_message = "Set max_run_seconds to 60 or more seconds."
  }
}
