variable "cluster_arns" {
  description = "Cluster ARNs (or ARN patterns such as arn:aws:ecs:eu-west-1:*:cluster/*) the reader may list and describe."
  type        = list(string)

  validation {
    condition     = length(var.cluster_arns) > 0 && alltrue([for arn in var.cluster_arns : can(regex("^arn:aws[a-z-]*:ecs:[a-z0-9*-]+:([0-9]{12}|\\*):cluster/.+$", arn))])
    error_message = "cluster_arns must hold at least one cluster ARN or pattern: arn:aws:ecs:<region or *>:<account or *>:cluster/<name or *>."
  }
}

variable "list_clusters" {
  description = "Whether the reader may call ecs:ListClusters (when it reads every cluster rather than named ones)."
  type        = bool
}
