# The smallest useful call: mirror every cluster's tasks and container instances.
# tools/smoke.py (the release check) applies this example too, with alerts on and tables it
# can delete, under a name of its own.
provider "aws" {
  region = var.region
}

module "ecs_events" {
  # From the registry or git, replace this path with the module's source address, such as
  # "git::https://github.com/<owner>/terraform-aws-ecs-events.git?ref=v0.3.0".
  source = "../../"

  name   = var.name
  alerts = { enabled = var.alerts_enabled }
  tables = { deletion_protection = var.deletion_protection }

  cluster_arns    = var.console_history_cluster_arns
  console_history = { enabled = length(var.console_history_cluster_arns) > 0 }
}
