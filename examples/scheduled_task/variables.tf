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
