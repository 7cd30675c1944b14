variable "name" {
  description = "Name of the central event bus."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,256}$", var.name)) && var.name != "default"
    error_message = "name must be 1-256 letters, digits, '.', '_' or '-', and not \"default\" (the default bus exists in every account)."
  }
}

variable "organization_id" {
  description = "AWS Organization whose accounts may put events on the bus (o-...); null when OUs or accounts are given instead."
  type        = string
  default     = null

  validation {
    condition     = var.organization_id == null || can(regex("^o-[a-z0-9]{10,32}$", var.organization_id))
    error_message = "organization_id must be an AWS Organizations ID such as o-a1b2c3d4e5, or null."
  }
}

variable "organizational_unit_paths" {
  description = "Organizational unit paths whose accounts may put events on the bus, such as o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/* (the /* takes child OUs too)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for path in var.organizational_unit_paths : can(regex("^o-[a-z0-9]{10,32}/r-[a-z0-9]{4,32}(/ou-[a-z0-9]{4,32}-[a-z0-9]{8,32})+/\\*?$", path))])
    error_message = "Each organizational_unit_paths entry must be an OU path o-<org>/r-<root>/ou-<id>/ (end it with /* to include child OUs)."
  }
}

variable "account_ids" {
  description = "AWS account IDs that may put events on the bus."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for account in var.account_ids : can(regex("^[0-9]{12}$", account))])
    error_message = "Each account_ids entry must be a 12-digit AWS account ID."
  }
}

variable "kms_key_arn" {
  description = "Customer managed KMS key for the bus; null uses an AWS owned key. Its policy must let EventBridge (events.amazonaws.com) DescribeKey, GenerateDataKey and Decrypt."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for every resource this module creates."
  type        = map(string)
  default     = {}
}
