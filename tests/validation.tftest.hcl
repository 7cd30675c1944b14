# Validation messages of the root module's inputs, checked by `terraform test` against a
# mock provider: no AWS account, no network, a few seconds. Wiring that needs planned
# values is checked by the Python plan tests (tests/terraform).

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

run "the_longest_admitted_name_plans" {
  command = plan

  variables {
    name = "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn" # 33
  }
}

run "a_name_too_long_for_the_derived_role_names_is_refused" {
  command = plan

  variables {
    name = "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn" # 34
  }

  expect_failures = [var.name]
}

run "a_role_path_must_begin_and_end_with_a_slash" {
  command = plan

  variables {
    iam_role_path = "service-roles"
  }

  expect_failures = [var.iam_role_path]
}

run "a_nested_role_path_is_admitted" {
  command = plan

  variables {
    iam_role_path = "/platform/ecs-events/"
  }
}

run "a_permissions_boundary_must_be_a_policy_arn" {
  command = plan

  variables {
    iam_permissions_boundary_arn = "platform-boundary"
  }

  expect_failures = [var.iam_permissions_boundary_arn]
}

run "a_topic_key_belongs_to_a_topic_the_caller_brings" {
  command = plan

  variables {
    alerts = {
      enabled           = true
      topic_kms_key_arn = "arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555"
    }
  }

  expect_failures = [var.alerts]
}

run "a_topic_key_must_be_a_key_arn" {
  command = plan

  variables {
    alerts = {
      enabled           = true
      topic_arn         = "arn:aws:sns:eu-west-1:111122223333:oncall"
      topic_kms_key_arn = "alias/oncall"
    }
  }

  expect_failures = [var.alerts]
}

run "an_event_log_class_cloudwatch_logs_does_not_offer_is_refused" {
  command = plan

  variables {
    history = { log_class = "DELIVERY" }
  }

  expect_failures = [var.history]
}

run "a_failed_events_threshold_below_one_is_refused" {
  command = plan

  variables {
    monitoring = { failed_events = 0 }
  }

  expect_failures = [var.monitoring]
}

run "a_redact_pattern_that_no_regex_engine_accepts_is_refused" {
  command = plan

  variables {
    alerts = { enabled = true, last_log_lines = { redact_patterns = ["cust-[0-9"] } }
  }

  expect_failures = [var.alerts]
}

run "a_python_lookahead_redact_pattern_is_left_to_python" {
  command = plan

  variables {
    alerts = { enabled = true, last_log_lines = { redact_patterns = ["(?<=id=)[0-9]+", "cust-[0-9]+"] } }
  }

  assert {
    condition     = module.alerts[0].handler_environment["ALERT_REDACT_PATTERNS"] == jsonencode(["(?<=id=)[0-9]+", "cust-[0-9]+"])
    error_message = "The patterns reach the handler's environment as a JSON list."
  }
}

# --- a fleet: the central bus and the members the reconciler reads ---------------------

run "a_created_bus_must_admit_someone" {
  command = plan

  variables {
    event_bus = { name = "fleet", create = true }
  }

  expect_failures = [var.event_bus]
}

run "a_created_bus_admits_exactly_one_kind" {
  command = plan

  variables {
    event_bus = { name = "fleet", create = true, organization_id = "o-a1b2c3d4e5", account_ids = ["444455556666"] }
  }

  expect_failures = [var.event_bus]
}

run "only_a_created_bus_has_a_policy" {
  command = plan

  variables {
    event_bus = { name = "default", account_ids = ["444455556666"] }
  }

  expect_failures = [var.event_bus]
}

run "the_default_bus_is_never_created" {
  command = plan

  variables {
    event_bus = { name = "default", create = true, account_ids = ["444455556666"] }
  }

  expect_failures = [var.event_bus]
}

run "member_accounts_need_the_read_role_name" {
  command = plan

  variables {
    reconciler = { enabled = true, members = { account_ids = ["444455556666"] } }
  }

  expect_failures = [var.reconciler]
}

run "an_incident_quiet_period_of_no_minutes_is_refused" {
  command = plan

  variables {
    alerts = {
      enabled   = true
      incidents = { quiet_minutes = 0 }
    }
  }

  expect_failures = [var.alerts]
}

run "scheduled_jobs_are_not_a_kind_the_handler_resolves" {
  command = plan

  variables {
    alerts = {
      enabled   = true
      incidents = { resolve = ["family", "job"] }
    }
  }

  expect_failures = [var.alerts]
}

run "incidents_with_resolution_off_plan" {
  command = plan

  variables {
    alerts = {
      enabled   = true
      incidents = { resolution = false }
    }
  }
}
