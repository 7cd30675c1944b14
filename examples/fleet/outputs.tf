output "central_bus_arn" {
  description = "The bus every member forwards to (central_bus_arn of modules/forwarder)."
  value       = module.central.event_bus_arn
}

output "member_read_role_arn" {
  description = "The member account's read role (reconciler.members of the central module)."
  value       = module.member_primary.read_role_arn
}

output "member_rule_arns" {
  description = "The forwarding rules of the member account, by region."
  value = {
    (var.member_regions.primary)   = module.member_primary.rule_arn
    (var.member_regions.secondary) = module.member_secondary.rule_arn
  }
}

output "reconciler_role_arn" {
  description = "The only principal the member read roles trust."
  value       = module.central.reconciler_role_arn
}

output "task_table_name" {
  description = "One table for the whole fleet: task ARNs carry account and region."
  value       = module.central.task_table_name
}
