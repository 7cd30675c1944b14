# The smallest useful call: mirror every cluster's tasks and container instances.
provider "aws" {
  region = var.region
}

module "ecs_events" {
  source = "../../"
}
