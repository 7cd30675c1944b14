output "base58_sha256" {
  description = "base58btc(SHA-256) of each of strings, and of each cluster ARN in double quotes."
  value       = local.base58_sha256
}

output "rule_names" {
  description = "The console's EventBridge rule name for each cluster ARN."
  value       = local.rule_names
}
