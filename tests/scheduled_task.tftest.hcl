# Inputs modules/scheduled_task refuses at plan, because AWS would refuse them at apply
# (or accept them and misbehave), checked by `terraform test` against a mock provider.
# Which input is refused is pinned here; the messages say what to do (variables.tf).

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { id = "eu-west-1", name = "eu-west-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
}

variables {
  name     = "nightly"
  schedule = { expression = "cron(0 3 * * ? *)", time_zone = "Europe/Berlin" }
  task = {
    cluster_arn              = "arn:aws:ecs:eu-west-1:123456789012:cluster/batch"
    task_definition_arn      = "arn:aws:ecs:eu-west-1:123456789012:task-definition/report:1"
    essential_container_name = "report"
    launch_type              = "FARGATE"
    network_configuration    = { subnets = ["subnet-0a1b2c3d"] }
  }
}

run "the_longest_admitted_name_plans" {
  command = plan
  module {
    source = "./modules/scheduled_task"
  }

  variables {
    name = "jjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjj" # 64
  }
}

run "one_character_more_than_the_schedule_name_limit_is_refused" {
  command = plan
  module {
    source = "./modules/scheduled_task"
  }

  variables {
    name = "jjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjj" # 65
  }

  expect_failures = [var.name]
}

run "a_cron_expression_needs_all_six_fields" {
  command = plan
  module {
    source = "./modules/scheduled_task"
  }

  variables {
    schedule = { expression = "cron(0 3 * * ?)", time_zone = "Europe/Berlin" }
  }

  expect_failures = [var.schedule]
}

run "a_rate_of_one_takes_the_singular_unit" {
  command = plan
  module {
    source = "./modules/scheduled_task"
  }

  variables {
    schedule = { expression = "rate(1 hours)", time_zone = "Europe/Berlin" }
  }

  expect_failures = [var.schedule]
}

run "an_expression_in_no_form_is_refused" {
  command = plan
  module {
    source = "./modules/scheduled_task"
  }

  variables {
    schedule = { expression = "every day", time_zone = "Europe/Berlin" }
  }

  expect_failures = [var.schedule]
}

run "a_misspelled_time_zone_is_refused" {
  command = plan
  module {
    source = "./modules/scheduled_task"
  }

  variables {
    schedule = { expression = "cron(0 3 * * ? *)", time_zone = "Europe/Berln" }
  }

  expect_failures = [var.schedule]
}

run "a_fargate_task_needs_a_network_configuration" {
  command = plan
  module {
    source = "./modules/scheduled_task"
  }

  variables {
    task = {
      cluster_arn              = "arn:aws:ecs:eu-west-1:123456789012:cluster/batch"
      task_definition_arn      = "arn:aws:ecs:eu-west-1:123456789012:task-definition/report:1"
      essential_container_name = "report"
      launch_type              = "FARGATE"
    }
  }

  expect_failures = [var.task]
}

run "a_missed_run_interval_that_cannot_be_derived_must_be_given" {
  command = plan
  module {
    source = "./modules/scheduled_task"
  }

  variables {
    schedule = { expression = "cron(0 3 1 * ? *)", time_zone = "Europe/Berlin" }
  }

  expect_failures = [aws_cloudwatch_metric_alarm.missed_run]
}

run "a_run_that_would_outgrow_the_execution_history_is_refused" {
  command = plan
  module {
    source = "./modules/scheduled_task"
  }

  variables {
    # Three days polled every minute: 4320 polls, past the history's 25,000 events.
    max_run_seconds = 259200
  }

  expect_failures = [aws_sfn_state_machine.this]
}
