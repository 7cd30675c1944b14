variable "name" {
  description = "Name of the deployment, in the central and the member account."
  type        = string
  default     = "ecs-events"
}

variable "central_region" {
  description = "Region of the central account's bus, tables and functions."
  type        = string
  default     = "eu-west-1"
}

variable "member_regions" {
  description = "The member account's two regions; each forwards its ECS events to the central bus."
  type = object({
    primary   = string
    secondary = string
  })
  default = {
    primary   = "eu-west-1"
    secondary = "us-east-1"
  }
}

variable "organization_id" {
  description = "AWS Organization whose accounts may put events on the central bus."
  type        = string
  default     = "o-a1b2c3d4e5"
}

variable "member_account_id" {
  description = "The member account whose clusters the central reconciler reads through its read role."
  type        = string
  default     = "444455556666"
}

variable "read_role_name" {
  description = "Name of the read-only role in each member account."
  type        = string
  default     = "ecs-events-read"
}

variable "alert_email_addresses" {
  description = "Who receives the fleet's failure alerts (each confirms the subscription)."
  type        = list(string)
  default     = ["platform-oncall@example.com"]
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default = {
    Environment = "example"
    ManagedBy   = "terraform"
  }
}
