# Refused inputs of the console History capture and Action Logs modules, checked by
# `terraform test` against a mock provider (no AWS, no network).

mock_provider "aws" {
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
}

run "console_history_needs_named_clusters" {
  command = plan

  module {
    source = "./modules/console_history"
  }

  variables {
    name         = "ecs-events"
    cluster_arns = []
  }

  expect_failures = [var.cluster_arns]
}

run "console_history_refuses_a_retention_cloudwatch_logs_does_not_offer" {
  command = plan

  module {
    source = "./modules/console_history"
  }

  variables {
    name           = "ecs-events"
    cluster_arns   = ["arn:aws:ecs:eu-west-1:111122223333:cluster/production"]
    retention_days = 8
  }

  expect_failures = [var.retention_days]
}

run "console_history_refuses_what_is_not_a_cluster_arn" {
  command = plan

  module {
    source = "./modules/console_history"
  }

  variables {
    name         = "ecs-events"
    cluster_arns = ["arn:aws:ecs:eu-west-1:111122223333:service/production/web"]
  }

  expect_failures = [var.cluster_arns]
}

run "action_logs_need_named_clusters" {
  command = plan

  module {
    source = "./modules/action_logs"
  }

  variables {
    name           = "ecs-events"
    cluster_arns   = []
    retention_days = 7
  }

  expect_failures = [var.cluster_arns]
}

run "the_root_refuses_a_console_retention_cloudwatch_logs_does_not_offer" {
  command = plan

  variables {
    console_history = { enabled = false, retention_days = 8 }
  }

  expect_failures = [var.console_history]
}

run "the_root_refuses_an_action_logs_retention_cloudwatch_logs_does_not_offer" {
  command = plan

  variables {
    action_logs = { retention_days = 8 }
  }

  expect_failures = [var.action_logs]
}
