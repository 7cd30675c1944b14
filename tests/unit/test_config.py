import pytest

from ecs_events.config import ConfigurationError, Settings


def test_settings_read_the_documented_variables() -> None:
    settings = Settings.from_env(
        {
            "TASK_TABLE_NAME": "t",
            "CONTAINER_INSTANCE_TABLE_NAME": "c",
            "ALERT_TOPIC_ARN": "arn:aws:sns:us-west-2:111122223333:alerts",
            "RETENTION_DAYS": "7",
        }
    )
    assert settings == Settings("t", "c", "arn:aws:sns:us-west-2:111122223333:alerts", 7)


def test_alerts_are_off_and_retention_defaults_when_unset() -> None:
    settings = Settings.from_env({})
    assert settings.alert_topic_arn is None
    assert settings.retention_days == 90


@pytest.mark.parametrize(("raw", "message"), [("ten", "whole number"), ("-1", "0 .keep")])
def test_bad_retention_is_a_clear_configuration_error(raw: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        Settings.from_env({"RETENTION_DAYS": raw})
