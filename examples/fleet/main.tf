# A fleet: one central account consumes the ECS events of member accounts, forwarded
# from each member region to one central event bus. This example puts a central
# account and one member account with two regions side by side; in practice each
# account is its own stack, and the member stacks take the central outputs as inputs.
#
# Each provider stands for an account and region: give it that account's credentials
# (a profile, or an assume_role block naming a role in that account).

provider "aws" {
  # The central account.
  region = var.central_region
}

provider "aws" {
  # The member account, its first region (it also holds the account's read role).
  alias  = "member_primary"
  region = var.member_regions.primary
}

provider "aws" {
  # The member account, its second region.
  alias  = "member_secondary"
  region = var.member_regions.secondary
}

module "central" {
  source = "../../"

  name = var.name

  # The central bus, admitting every account of the organisation and nobody else.
  event_bus = {
    name            = "${var.name}-fleet"
    create          = true
    organization_id = var.organization_id
  }

  alerts = {
    enabled         = true
    email_addresses = var.alert_email_addresses
  }

  # Heal the mirror from the ECS API of the member account too, through its read role.
  reconciler = {
    enabled = true
    members = {
      role_name   = var.read_role_name
      account_ids = [var.member_account_id]
      regions     = values(var.member_regions)
    }
  }

  tags = var.tags
}

module "member_primary" {
  source    = "../../modules/forwarder"
  providers = { aws = aws.member_primary }

  name            = var.name
  central_bus_arn = module.central.event_bus_arn

  # Once per account: IAM is global.
  read_role = {
    name             = var.read_role_name
    trusted_role_arn = module.central.reconciler_role_arn
  }

  tags = var.tags
}

module "member_secondary" {
  source    = "../../modules/forwarder"
  providers = { aws = aws.member_secondary }

  name            = var.name
  central_bus_arn = module.central.event_bus_arn

  # Only the production cluster of this region joins the fleet's view.
  cluster_arns = ["arn:aws:ecs:${var.member_regions.secondary}:${var.member_account_id}:cluster/production"]

  # The console reads the member account: its History tab is turned on here.
  console_history = { enabled = true }

  tags = var.tags
}
