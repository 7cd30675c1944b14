"""Every error a user can cause, through the installed `ecs-events` command: one line on
stderr, no traceback, a non-zero exit status (the statuses are in ecs_events_cli/errors.py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.moto_server.threaded_moto_server import ThreadedMotoServer

from devkit.tables import CONTAINER_INSTANCE_TABLE, TASK_TABLE, create_state_tables

REGION = "us-west-2"


def entry_point() -> str:
    beside = Path(sys.executable).parent / "ecs-events"
    found = str(beside) if beside.exists() else shutil.which("ecs-events")
    if found is None:
        pytest.fail("the ecs-events command is not installed: pip install -e .")
    return found


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """Credentials and region as a user's shell has them; no profile files of the machine."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ECS_EVENTS"))}
    return {
        **kept,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": REGION,
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "TASK_TABLE_NAME": TASK_TABLE,
        "CONTAINER_INSTANCE_TABLE_NAME": CONTAINER_INSTANCE_TABLE,
    }


def ecs_events(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [entry_point(), *argv], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def one_line(result: subprocess.CompletedProcess[str], status: int, *words: str) -> None:
    assert result.returncode == status, result.stderr
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("ecs-events: error: ")
    for word in words:
        assert word in result.stderr


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    """A local AWS (moto) on 127.0.0.1 with the state tables; stopped after the module."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    dynamodb = boto3.client(
        "dynamodb",
        endpoint_url=url,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    create_state_tables(dynamodb)
    yield url
    server.stop()


class Canned(BaseHTTPRequestHandler):
    """Answers every POST with the status and body the server was given."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        status, content_type, body = self.server.canned  # type: ignore[attr-defined]
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        return None


@pytest.fixture
def canned_server() -> Iterator[Any]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Canned)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def answer(status: int, content_type: str, body: bytes) -> str:
        server.canned = (status, content_type, body)  # type: ignore[attr-defined]
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield answer
    server.shutdown()
    server.server_close()


def test_version_names_the_package_version(env) -> None:
    result = ecs_events(env, "--version")
    assert result.returncode == 0 and result.stdout.startswith("ecs-events 0.")


def test_unknown_profile(env) -> None:
    one_line(ecs_events(env, "--profile", "nosuch", "tasks", "--cluster", "c"), 2, "nosuch")


def test_invalid_region(env) -> None:
    result = ecs_events(env, "--region", "us west 2", "tasks", "--cluster", "c")
    one_line(result, 2, "'us west 2'", "--region")


def test_malformed_endpoint_url(env) -> None:
    one_line(
        ecs_events(env, "--endpoint-url", "not a url", "tasks", "--cluster", "c"),
        2,
        "Invalid endpoint",
    )


def test_a_server_that_is_not_aws(env, canned_server) -> None:
    url = canned_server(404, "text/html", b"<html><body>Not Found</body></html>")
    one_line(
        ecs_events(env, "--endpoint-url", url, "tasks", "--cluster", "c"),
        3,
        url,
        "not as AWS does",
    )


@pytest.mark.parametrize("argv", [["tasks", "--cluster", "c"], ["redrive"]])
def test_a_web_server_answering_200_is_not_taken_for_aws(env, canned_server, argv) -> None:
    url = canned_server(200, "text/html; charset=utf-8", b"<html><body>Welcome</body></html>")
    one_line(ecs_events(env, "--endpoint-url", url, *argv), 3, "web page", "--endpoint-url")


def test_missing_permission_names_the_denied_action(env, canned_server) -> None:
    denial = {
        "__type": "com.amazon.coral.service#AccessDeniedException",
        "message": "User: arn:aws:iam::123456789012:user/ops is not authorized to perform: "
        "dynamodb:Query on resource: arn:aws:dynamodb:us-west-2:123456789012:table/t/index/i "
        "because no identity-based policy allows the dynamodb:Query action",
    }
    url = canned_server(400, "application/x-amz-json-1.0", json.dumps(denial).encode())
    one_line(
        ecs_events(env, "--endpoint-url", url, "tasks", "--cluster", "c"),
        3,
        "AWS denied dynamodb:Query",
    )


def test_backfill_of_a_cluster_that_does_not_exist(env, moto_endpoint) -> None:
    one_line(
        ecs_events(env, "--endpoint-url", moto_endpoint, "backfill", "--cluster", "nowhere"),
        3,
        "cluster nowhere not found",
    )


def test_an_absurd_since(env) -> None:
    one_line(ecs_events(env, "tasks", "--cluster", "c", "--since", "99999999999d"), 2, "since")


def test_a_malformed_retention_setting_stops_only_the_command_that_uses_it(
    env, moto_endpoint
) -> None:
    env = {**env, "RETENTION_DAYS": "ninety", "AWS_ENDPOINT_URL": moto_endpoint}
    listing = ecs_events(env, "tasks", "--cluster", "c")
    assert listing.returncode == 0 and listing.stdout.strip() == "no tasks match"
    one_line(ecs_events(env, "backfill", "--cluster", "c"), 2, "RETENTION_DAYS=ninety")


def test_an_unknown_option_is_one_line_with_where_to_look(env) -> None:
    one_line(ecs_events(env, "tasks", "--clustre", "c"), 2, "--clustre", "--help")


def test_region_from_aws_region_alone_reaches_that_region(env, canned_server) -> None:
    """boto3 alone reads only AWS_DEFAULT_REGION; with AWS_REGION set, no region error."""
    url = canned_server(404, "text/html", b"<html></html>")
    result = ecs_events(env, "--endpoint-url", url, "tasks", "--cluster", "c")
    assert "no AWS region" not in result.stderr and "not as AWS does" in result.stderr
