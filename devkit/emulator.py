"""A local AWS API emulator (moto_server) on a free loopback port, for the demo and e2e test.

Run as `python -m devkit.emulator -H 127.0.0.1 -p PORT`: moto's own server, with the
additions the module needs. `LocalEmulator` starts that as a subprocess,
waits until it answers and stops it again by its PID; `Dynalite` does the same for the
DynamoDB emulator the billing checks use.

- CloudWatch Logs: moto 5.2 does not implement query definitions (saved Logs Insights
  queries; modules/history ships three). Put, Describe and Delete are served here from
  memory, with the fields the provider reads.
- Step Functions: moto_server answers neither ValidateStateMachineDefinition, which the
  provider calls when it plans a state machine (modules/scheduled_task), nor
  ListStateMachineVersions, which it calls when it reads one. The first is answered here
  with moto's own Amazon States Language parser (OK, or FAIL with the parser's message),
  the second from moto's record of published versions.
- EventBridge: moto 5.2 delivers events to targets without their `account` field; AWS
  always sends it, and alerts name the account.
- DynamoDB: AWS evaluates a write's condition and writes as one atomic step; moto's
  threaded server checks, then writes, with no lock between, so concurrent conditional
  writes could race inside moto itself. Item writes hold a lock here, as on AWS.
"""

from __future__ import annotations

import functools
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO, Any, Self

# The account and region the emulator's resources live in (moto's default account); the
# demo's events and the Lambda stand-in use them.
EMULATOR_ACCOUNT = "123456789012"
EMULATOR_REGION = "eu-west-1"

# DynamoDB's item writes: AWS evaluates their condition and writes as one atomic step.
DYNAMODB_WRITES = ("put_item", "update_item", "delete_item")
_DYNAMODB_WRITE_LOCK = threading.Lock()


def atomic_dynamodb_write(method: Any) -> Any:
    """A moto DynamoDB backend write that holds one process-wide lock, as AWS is atomic.
    moto checks a condition, then writes, with nothing between; its threaded server (and
    its in-process Step Functions interpreter) can otherwise let two conditional writes
    both pass."""

    @functools.wraps(method)
    def locked(*args: Any, **kwargs: Any) -> Any:
        with _DYNAMODB_WRITE_LOCK:
            return method(*args, **kwargs)

    return locked


def _atomic_dynamodb_writes() -> None:
    from moto.dynamodb.models import DynamoDBBackend

    for name in DYNAMODB_WRITES:
        setattr(DynamoDBBackend, name, atomic_dynamodb_write(getattr(DynamoDBBackend, name)))


def _serve_query_definitions() -> None:
    from moto.logs.responses import LogsResponse
    from moto.moto_api._internal import mock_random

    # (account, region) -> query definition id -> definition, as DescribeQueryDefinitions
    # returns it.
    definitions: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}

    def stored(response: LogsResponse) -> dict[str, dict[str, Any]]:
        return definitions.setdefault((response.current_account, response.region), {})

    def put_query_definition(response: LogsResponse) -> str:
        definition_id = response._get_param("queryDefinitionId") or str(mock_random.uuid4())
        stored(response)[definition_id] = {
            "queryDefinitionId": definition_id,
            "name": response._get_param("name"),
            "queryString": response._get_param("queryString"),
            "logGroupNames": response._get_param("logGroupNames") or [],
            "lastModified": int(time.time() * 1000),
        }
        return json.dumps({"queryDefinitionId": definition_id})

    def describe_query_definitions(response: LogsResponse) -> str:
        prefix = response._get_param("queryDefinitionNamePrefix") or ""
        found = [d for d in stored(response).values() if d["name"].startswith(prefix)]
        return json.dumps({"queryDefinitions": found})

    def delete_query_definition(response: LogsResponse) -> str:
        removed = stored(response).pop(response._get_param("queryDefinitionId"), None)
        return json.dumps({"success": removed is not None})

    LogsResponse.put_query_definition = put_query_definition  # type: ignore[attr-defined]
    LogsResponse.describe_query_definitions = describe_query_definitions  # type: ignore[attr-defined]
    LogsResponse.delete_query_definition = delete_query_definition  # type: ignore[attr-defined]


def _validate_state_machine_definitions() -> None:
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend
    from moto.stepfunctions.responses import StepFunctionResponse

    def validate_state_machine_definition(response: StepFunctionResponse) -> str:
        diagnostics = []
        try:
            StepFunctionsParserBackend._validate_definition(response._get_param("definition"))
        except Exception as error:  # InvalidDefinition, with the parser's explanation
            message = getattr(error, "message", None) or str(error)
            diagnostics.append(
                {"severity": "ERROR", "code": "SCHEMA_VALIDATION_FAILED", "message": message}
            )
        result = "FAIL" if diagnostics else "OK"
        return json.dumps({"result": result, "diagnostics": diagnostics, "truncated": False})

    def list_state_machine_versions(response: StepFunctionResponse) -> str:
        machine = response.stepfunction_backend.describe_state_machine(
            response._get_param("stateMachineArn")
        )
        versions = [
            {"stateMachineVersionArn": v.arn, "creationDate": v.creation_date.timestamp()}
            for _, v in sorted(machine.versions.items(), reverse=True)
        ]
        return json.dumps({"stateMachineVersions": versions})

    StepFunctionResponse.validate_state_machine_definition = validate_state_machine_definition  # type: ignore[attr-defined]
    StepFunctionResponse.list_state_machine_versions = list_state_machine_versions  # type: ignore[attr-defined]


def _deliver_event_account() -> None:
    from moto.events.utils import EventTemplateParser

    template = EventTemplateParser.DEFAULT_EVENT_INPUT_TEMPLATE
    if '"account"' not in template:
        EventTemplateParser.DEFAULT_EVENT_INPUT_TEMPLATE = template.replace(
            '"source": "<source>",', '"source": "<source>", "account": "<account>",'
        )


class EmulatorError(RuntimeError):
    pass


def free_loopback_port() -> int:
    """A port nothing listens on right now (the emulator binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LoopbackServer:
    """A local server as a child process owned by this one: started on a free loopback
    port, waited for until it answers HTTP, stopped by its PID."""

    name = "server"

    def __init__(self, log_path: Path, start_timeout: float = 30.0) -> None:
        self.log_path = log_path
        self.start_timeout = start_timeout
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def command(self, port: int) -> list[str]:
        raise NotImplementedError

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def start(self) -> None:
        self.port = free_loopback_port()
        command = self.command(self.port)
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            command,
            cwd=Path(__file__).resolve().parents[1],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            # Its own session: a Ctrl-C in the terminal reaches the demo, which still needs
            # the emulator to destroy the stack, and not the emulator directly.
            start_new_session=True,
        )
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise EmulatorError(
                    f"the {self.name} exited with {self.process.returncode}; see {self.log_path}"
                )
            if self._answers():
                return
            time.sleep(0.2)
        raise EmulatorError(
            f"the {self.name} did not answer within {self.start_timeout:.0f}s; see {self.log_path}"
        )

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/", timeout=1):
                return True
        except urllib.error.HTTPError:
            return True  # any HTTP answer means it is serving
        except OSError:
            return False

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the process this object started, by its PID: SIGTERM, then SIGKILL."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=timeout)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


class LocalEmulator(LoopbackServer):
    """moto_server with the additions above."""

    name = "emulator"

    def command(self, port: int) -> list[str]:
        return [sys.executable, "-m", "devkit.emulator", "-H", "127.0.0.1", "-p", str(port)]


# dynalite (https://github.com/architect/dynalite), pinned in tools/dynalite/package.json:
# a DynamoDB emulator that reports ConsumedCapacity by item size, where moto reports a
# flat 1.0 per write; `make setup` installs it when npm is present.
# The npm package stays in tools/dynalite, where make setup and .ci/run install it.
DYNALITE_CLI = Path(__file__).resolve().parents[1] / "tools/dynalite/node_modules/dynalite/cli.js"


class Dynalite(LoopbackServer):
    name = "dynalite"

    def command(self, port: int) -> list[str]:
        if not DYNALITE_CLI.exists():
            raise EmulatorError(
                f"dynalite is not installed ({DYNALITE_CLI}): `make setup` installs it, "
                "with Node.js 20+ and npm present"
            )
        return [
            "node",
            str(DYNALITE_CLI),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--createTableMs",
            "0",
            "--deleteTableMs",
            "0",
        ]


def main() -> None:
    from moto import server

    _atomic_dynamodb_writes()
    _serve_query_definitions()
    _validate_state_machine_definitions()
    _deliver_event_account()
    server.main(sys.argv[1:])


if __name__ == "__main__":
    main()
