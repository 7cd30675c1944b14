variable "emulator_url" {
  description = "Base URL of the local AWS API emulator (moto_server) that every AWS service endpoint points at."
  type        = string
  default     = "http://127.0.0.1:5000"

  validation {
    condition     = can(regex("^https?://(127\\.0\\.0\\.1|localhost|\\[::1\\]):[0-9]{1,5}/?$", var.emulator_url))
    error_message = "emulator_url must be a loopback URL such as http://127.0.0.1:5000; this example never talks to real AWS."
  }
}

variable "region" {
  description = "Region the emulator pretends to be; ARNs and queue URLs carry it."
  type        = string
  default     = "eu-west-1"
}

variable "name" {
  description = "Name of this deployment; prefixes every resource the module creates."
  type        = string
  default     = "ecs-events-local"
}

variable "cluster_arns" {
  description = "ECS clusters whose events are mirrored; the demo passes its own cluster so events of other clusters are filtered out by the rule."
  type        = list(string)
  default     = []
}
