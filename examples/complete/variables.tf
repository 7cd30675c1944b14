variable "region" {
  description = "AWS region to deploy into."
  type        = string
  default     = "eu-west-1"
}

variable "name" {
  description = "Name of this deployment."
  type        = string
  default     = "ecs-events-complete"
}

variable "cluster_arns" {
  description = "Clusters to mirror."
  type        = list(string)
  default = [
    "arn:aws:ecs:eu-west-1:111122223333:cluster/production",
    "arn:aws:ecs:eu-west-1:111122223333:cluster/batch",
  ]
}

variable "alert_email_addresses" {
  description = "Who receives failure alerts by email (each confirms the subscription)."
  type        = list(string)
  default     = ["oncall@example.com"]
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default = {
    Environment = "example"
    ManagedBy   = "terraform"
  }
}
