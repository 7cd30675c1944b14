"""Run Terraform from Python (tests, demo) through python-terraform.

python-terraform 0.10 predates Terraform 1.x; its rough edges are handled here and
nowhere else: `plan` runs with -detailed-exitcode (exit 2 means "changes", not
failure), `destroy` sends the removed `-force` flag unless told not to, and `apply`
needs `skip_plan=True` to pass -auto-approve.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from python_terraform import IsFlagged, IsNotFlagged, Terraform

REPO_ROOT = Path(__file__).resolve().parents[1]
PROVIDER_MIRROR = Path("/opt/tf-plugins")
MIRROR_CLI_CONFIG = REPO_ROOT / "terraform-mirror.tfrc"

# Provider settings that let `plan` run with no AWS account and no network.
OFFLINE_PROVIDER_OVERRIDE = """\
provider "aws" {
  region                      = "eu-west-1"
  access_key                  = "offline"
  secret_key                  = "offline"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  max_retries                 = 1
}
"""


class _AcceptEveryDefinition(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        body = json.dumps({"result": "OK", "diagnostics": []}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def offline_sfn_validation() -> Iterator[None]:
    """Answer Step Functions' ValidateStateMachineDefinition locally.

    hashicorp/aws 5.x calls it during `plan` for every state machine whose definition is
    known, so an offline plan would fail on the network. A loopback endpoint that accepts
    every definition stands in, through AWS_ENDPOINT_URL_SFN; the definitions are still
    checked, by running them in moto's interpreter (tests/functional).
    """
    server = ThreadingHTTPServer(("127.0.0.1", 0), _AcceptEveryDefinition)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    saved = os.environ.get("AWS_ENDPOINT_URL_SFN")
    os.environ["AWS_ENDPOINT_URL_SFN"] = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("AWS_ENDPOINT_URL_SFN", None)
        else:
            os.environ["AWS_ENDPOINT_URL_SFN"] = saved
        server.shutdown()
        server.server_close()


class TerraformError(RuntimeError):
    def __init__(self, command: str, code: int, stderr: str) -> None:
        super().__init__(f"terraform {command} exited {code}:\n{stderr.strip()}")


def use_provider_mirror() -> None:
    """Point Terraform at the local provider mirror where this machine has one."""
    if PROVIDER_MIRROR.is_dir():
        os.environ["TF_CLI_CONFIG_FILE"] = str(MIRROR_CLI_CONFIG)
    os.environ.setdefault("TF_IN_AUTOMATION", "1")
    os.environ.setdefault("CHECKPOINT_DISABLE", "1")


def copy_sources(destination: Path) -> Path:
    """Copy the module's Terraform sources (root, modules, examples, package) to destination.

    Examples reference the module by relative path, so the tree keeps its shape;
    working copies keep .terraform folders and plan files out of the checkout.
    """
    ignore = shutil.ignore_patterns(".terraform", "*.tfstate*", ".terraform.lock.hcl")
    destination.mkdir(parents=True, exist_ok=True)
    for path in REPO_ROOT.glob("*.tf"):
        shutil.copy2(path, destination / path.name)
    for folder in ("modules", "examples", "dist"):
        if (REPO_ROOT / folder).is_dir():
            shutil.copytree(REPO_ROOT / folder, destination / folder, ignore=ignore)
    return destination


class Workspace:
    """One Terraform working directory."""

    def __init__(self, directory: Path) -> None:
        use_provider_mirror()
        self.directory = directory
        self.offline = False
        self._terraform = Terraform(working_dir=str(directory))

    def _run(self, command: str, code: int, stderr: str, allowed: tuple[int, ...] = (0,)) -> None:
        if code not in allowed:
            raise TerraformError(command, code, stderr)

    def make_offline(self) -> None:
        """Fake credentials for the default provider and each aliased one (whose region
        stays as configured: a fleet example plans several regions)."""
        aliases = sorted(
            {
                alias
                for path in self.directory.glob("*.tf")
                if not path.name.endswith("_override.tf")
                for alias in re.findall(
                    r'^\s*alias\s*=\s*"([A-Za-z0-9_-]+)"', path.read_text(), re.M
                )
            }
        )
        aliased = "".join(
            OFFLINE_PROVIDER_OVERRIDE.replace(
                '  region                      = "eu-west-1"\n', ""
            ).replace('provider "aws" {\n', f'provider "aws" {{\n  alias = "{alias}"\n')
            for alias in aliases
        )
        (self.directory / "offline_provider_override.tf").write_text(
            OFFLINE_PROVIDER_OVERRIDE + aliased
        )
        self.offline = True

    def init(self) -> None:
        code, _, err = self._terraform.init(backend=False, reconfigure=IsNotFlagged)
        self._run("init", code, err)

    def validate(self) -> None:
        code, _, err = self._terraform.cmd("validate", no_color=IsFlagged)
        self._run("validate", code, err)

    def plan(self, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Plan and return `terraform show -json` of the plan."""
        plan_file = "test.tfplan"
        with offline_sfn_validation() if self.offline else contextlib.nullcontext():
            code, _, err = self._terraform.plan(out=plan_file, var=_as_cli_vars(variables))
        # -detailed-exitcode: 0 = no changes, 2 = changes, 1 = error.
        self._run("plan", code, err, allowed=(0, 2))
        code, out, err = self._terraform.cmd("show", "-json", plan_file)
        self._run("show", code, err)
        return dict(json.loads(out))

    def apply(self, variables: Mapping[str, Any] | None = None) -> None:
        code, _, err = self._terraform.apply(skip_plan=True, var=_as_cli_vars(variables))
        self._run("apply", code, err)

    def destroy(self, variables: Mapping[str, Any] | None = None) -> None:
        code, _, err = self._terraform.destroy(
            force=IsNotFlagged, auto_approve=True, var=_as_cli_vars(variables)
        )
        self._run("destroy", code, err)

    def state_addresses(self) -> list[str]:
        """Managed resources in the state (none before the first apply)."""
        if not (self.directory / "terraform.tfstate").exists():
            return []
        code, out, err = self._terraform.cmd("state", "list")
        self._run("state list", code, err)
        return [line for line in out.splitlines() if line and ".data." not in f".{line}"]

    def forget(self, addresses: list[str]) -> None:
        """Drop resources from the state without destroying them."""
        if addresses:
            code, _, err = self._terraform.cmd("state", "rm", *addresses)
            self._run("state rm", code, err)

    def outputs(self) -> dict[str, Any]:
        code, out, err = self._terraform.cmd("output", "-json")
        self._run("output", code, err)
        return {name: value["value"] for name, value in json.loads(out).items()}


def offline_workspace(directory: Path) -> Workspace:
    """A workspace of `directory`, initialised to plan without AWS: what every plan test
    starts from."""
    workspace = Workspace(directory)
    workspace.make_offline()
    workspace.init()
    return workspace


def _as_cli_vars(variables: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Variables for python-terraform, which writes them to a .tfvars.json file: lists and
    objects go as they are (JSON-encoding them here would make them strings)."""
    return dict(variables) if variables else None
