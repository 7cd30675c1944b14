variable "region" {
  description = "AWS region to deploy into."
  type        = string
  default     = "eu-west-1"
}

variable "name" {
  description = "Name of this deployment (1-33 letters, digits, '_' or '-')."
  type        = string
  default     = "ecs-events"
}

variable "alerts_enabled" {
  description = "Publish failure alerts to an SNS topic the module creates."
  type        = bool
  default     = false
}

variable "deletion_protection" {
  description = "Refuse to delete the state tables; false only for throwaway deployments such as the release smoke test."
  type        = bool
  default     = true
}

variable "console_history_cluster_arns" {
  description = "Clusters whose ECS console History tab is turned on (and which alone are mirrored); empty mirrors every cluster and leaves the console alone. tools/smoke.py sets one."
  type        = list(string)
  default     = []
}
