import re
from pathlib import Path

import pytest

from ecs_events.config import (
    ALERT_TRIGGERS,
    DEFAULT_EXIT_CODES,
    DEFAULT_RETENTION_DAYS,
    DEFAULT_TRIGGERS,
    ConfigurationError,
    Settings,
)

TOPIC = "arn:aws:sns:us-west-2:111122223333:alerts"


def test_settings_read_the_documented_variables() -> None:
    settings = Settings.from_env(
        {
            "TASK_TABLE_NAME": "t",
            "CONTAINER_INSTANCE_TABLE_NAME": "c",
            "ALERT_TOPIC_ARN": TOPIC,
            "ALERT_TABLE_NAME": "a",
            "ALERT_TRIGGERS": "task_exit,deployment_failure",
            "ALERT_EXIT_CODES": "1, 2",
            "ALERT_FAMILIES": "billing",
            "ALERT_SERVICES": "web,api",
            "RETENTION_DAYS": "7",
        }
    )
    assert (settings.task_table_name, settings.container_instance_table_name) == ("t", "c")
    assert settings.retention_days == 7
    alerts = settings.alerts
    assert (alerts.enabled, alerts.topic_arn, alerts.table_name) == (True, TOPIC, "a")
    assert alerts.triggers == {"task_exit", "deployment_failure"}
    assert alerts.exit_codes == {1, 2}
    assert (alerts.families, alerts.services) == ({"billing"}, {"web", "api"})


def test_alerts_are_off_and_defaults_apply_when_unset() -> None:
    settings = Settings.from_env({})
    assert settings.alerts.enabled is False
    assert settings.retention_days == 90
    # Every trigger but Spot interruptions, which are not application failures.
    assert settings.alerts.triggers == set(ALERT_TRIGGERS) - {"spot_interruption"}
    assert settings.alerts.exit_codes == {1, 137, 139, 255}


def test_empty_exit_codes_mean_any_non_zero() -> None:
    assert Settings.from_env({"ALERT_EXIT_CODES": ""}).alerts.exit_codes == frozenset()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ALERT_TRIGGERS": "task_exit,everything"}, "everything; choose from"),
        ({"ALERT_EXIT_CODES": "137,oom"}, "comma-separated whole numbers"),
        ({"ALERT_TOPIC_ARN": TOPIC}, "ALERT_TABLE_NAME is not"),
    ],
)
def test_bad_alert_settings_are_clear_configuration_errors(env: dict, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        Settings.from_env(env)


@pytest.mark.parametrize(("raw", "message"), [("ten", "whole number"), ("-1", "0 or more")])
def test_bad_retention_is_a_clear_configuration_error(raw: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        Settings.from_env({"RETENTION_DAYS": raw})


def test_storm_window_log_lines_and_chat_form_are_read_from_the_environment() -> None:
    alerts = Settings.from_env(
        {
            "ALERT_STORM_WINDOW_SECONDS": "0",
            "ALERT_LOG_LINES": "500",
            "ALERT_LOG_TIMEOUT_MS": "1500",
            "ALERT_CHAT_FORMAT": "off",
        }
    ).alerts
    assert alerts.storm_window_seconds == 0
    assert alerts.log_lines == 50  # capped: more would not be read at a glance
    assert alerts.log_timeout_seconds == 1.5
    assert alerts.chat is False


def test_storm_window_log_lines_and_chat_form_default_on() -> None:
    alerts = Settings.from_env({}).alerts
    assert (alerts.storm_window_seconds, alerts.log_lines, alerts.chat) == (900, 10, True)


# --- the defaults Terraform passes are the ones the runtime falls back to --------------

VARIABLES_TF = (Path(__file__).resolve().parents[2] / "variables.tf").read_text()


def test_the_retention_default_is_the_modules() -> None:
    found = re.search(r"retention_days\s*=\s*optional\(number, (\d+)\)", VARIABLES_TF)
    assert found is not None
    assert int(found.group(1)) == DEFAULT_RETENTION_DAYS == Settings().retention_days


def test_the_exit_code_and_trigger_defaults_are_the_modules() -> None:
    codes = re.search(r"exit_codes\s*=\s*optional\(list\(number\), \[([\d, ]+)\]\)", VARIABLES_TF)
    assert codes is not None
    assert {int(code) for code in codes.group(1).split(",")} == DEFAULT_EXIT_CODES
    triggers = dict(
        re.findall(r"^\s+(\w+)\s*=\s*optional\(bool, (true|false)\)", VARIABLES_TF, re.M)
    )
    assert {name for name in ALERT_TRIGGERS if triggers[name] == "true"} == DEFAULT_TRIGGERS


# --- incidents -----------------------------------------------------------------------------


def test_incidents_resolve_every_kind_after_fifteen_quiet_minutes_by_default() -> None:
    alerts = Settings.from_env({}).alerts
    assert (alerts.resolution, alerts.quiet_seconds) == (True, 900)
    assert alerts.resolve_kinds == {"family", "service", "instance", "daemon"}
    assert alerts.schedule_group is None  # no wake-ups: recovery events only


def test_incident_settings_read_their_variables() -> None:
    alerts = Settings.from_env(
        {
            "INCIDENT_RESOLUTION": "off",
            "INCIDENT_QUIET_SECONDS": "600",
            "INCIDENT_RESOLVE_KINDS": "service, instance",
            "INCIDENT_SCHEDULE_GROUP": "g",
            "INCIDENT_SCHEDULE_ROLE_ARN": "arn:aws:iam::111122223333:role/wake",
            "INCIDENT_WAKE_TARGET_ARN": "arn:aws:sqs:us-west-2:111122223333:q",
        }
    ).alerts
    assert (alerts.resolution, alerts.quiet_seconds) == (False, 600)
    assert alerts.resolve_kinds == {"service", "instance"}
    assert (alerts.schedule_group, alerts.wake_target_arn) == (
        "g",
        "arn:aws:sqs:us-west-2:111122223333:q",
    )


def test_an_unknown_incident_kind_is_refused_with_the_choices() -> None:
    with pytest.raises(ConfigurationError, match="INCIDENT_RESOLVE_KINDS has job; choose from"):
        Settings.from_env({"INCIDENT_RESOLVE_KINDS": "job"})
