# The real module against a local AWS API emulator (moto_server), for `make demo` and the
# end-to-end test: no AWS account, nothing leaves 127.0.0.1. tools/demo (make demo) starts the
# emulator, applies this, plays the Lambda service (the emulator cannot run Lambda code
# without Docker) and destroys it again.
provider "aws" {
  region = var.region

  # The emulator accepts any credentials; these are not secrets.
  access_key                  = "local-emulator"
  secret_key                  = "local-emulator"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  # A failing call against a local emulator will not succeed on a later try; fail fast.
  max_retries = 2

  # Every service the module calls, now or as it grows (alerts, history, scheduled tasks).
  endpoints {
    cloudwatch = var.emulator_url
    dynamodb   = var.emulator_url
    ecs        = var.emulator_url
    events     = var.emulator_url
    iam        = var.emulator_url
    kms        = var.emulator_url
    lambda     = var.emulator_url
    logs       = var.emulator_url
    scheduler  = var.emulator_url
    sfn        = var.emulator_url
    sns        = var.emulator_url
    sqs        = var.emulator_url
    sts        = var.emulator_url
    xray       = var.emulator_url
  }
}

module "ecs_events" {
  source = "../../"

  name         = var.name
  cluster_arns = var.cluster_arns

  tables = {
    # The stack lives only as long as the emulator; destroy must be able to remove it.
    deletion_protection    = false
    point_in_time_recovery = true
    retention_days         = 30
  }

  # Lambda never runs these settings here (the demo plays the Lambda service), but the
  # demo reads the batch size from the event source mapping, as Lambda would.
  handler = {
    batch_size              = 10
    batching_window_seconds = 0
  }

  # Alerts on, with the module's own topic; the demo subscribes a queue to it to show them.
  alerts = {
    enabled = true
  }

  log_retention_days = 7
}
