variable "cluster_arns" {
  description = "ECS cluster ARNs whose console rule names are computed."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.cluster_arns : can(regex("^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:cluster/.+$", arn))])
    error_message = "Each cluster_arns entry must be a cluster ARN: arn:aws:ecs:<region>:<account>:cluster/<name>."
  }
}

variable "strings" {
  description = "Strings whose base58btc(SHA-256) is wanted as such (the algorithm's published test vectors)."
  type        = list(string)
  default     = []
}
