"""What ECS's stop codes, exit codes and reasons usually mean: the knowledge tables."""

from __future__ import annotations

from typing import Any

# Stops that are not failures: someone asked for them, or a deployment scaled in.
NOT_FAILURES = ("UserInitiated",)
SCALE_IN_PREFIX = "Scaling activity initiated by"

# Reasons that mean the task never got its containers running.
START_FAILURES = {
    "CannotPullContainerError": "the image could not be pulled: check the image name and tag, "
    "the execution role's ECR permissions, and the network path to the registry "
    "(NAT gateway or VPC endpoints)",
    "ResourceInitializationError": "the task could not fetch what it needs before starting "
    "(secrets, SSM parameters, log configuration or the image manifest): check the "
    "execution role's permissions and the network path to those services",
    "CannotStartContainerError": "the container runtime could not start the container: "
    "check the command, entrypoint and mounts",
    "CannotCreateVolumeError": "a volume could not be created: check the volume configuration",
    "CannotInspectContainerError": "the container agent lost track of the container",
    "ContainerRuntimeTimeoutError": "the container runtime timed out starting the container",
}

STOP_REASONS = {
    "failed ELB health checks": "the load balancer's health check failed, so the service "
    "replaced the task: check the health check path, port and grace period",
    "failed container health checks": "the container's own HEALTHCHECK failed",
    "SpotInterruption": "the Spot capacity was reclaimed by AWS",
}

PLACEMENT_REASONS = {
    "RESOURCE:CPU": "no container instance has enough free CPU",
    "RESOURCE:MEMORY": "no container instance has enough free memory",
    "RESOURCE:PORTS": "the ports the task needs are taken on every instance",
    "RESOURCE:ENI": "no instance has a free network interface for an awsvpc task",
    "RESOURCE:GPU": "no container instance has a free GPU",
    "RESOURCE:FARGATE": "Fargate has no capacity for this task right now",
    "AGENT": "the container agent on the instance is disconnected",
    "ATTRIBUTE": "no container instance has the attributes the placement constraints ask for",
    "LaunchTemplate": "the capacity provider's launch template is invalid",
}


def explain_exit(code: int, reason: str = "") -> str:
    if code == 0:
        return "exited normally"
    if code == 137:
        if "OutOfMemory" in reason:
            return "killed for using more memory than its limit (OOM): raise memory or fix the leak"
        return "killed with SIGKILL: it did not stop within the stop timeout after SIGTERM"
    meanings = {
        1: "application error: read the container's logs",
        2: "misuse of a shell builtin or bad arguments: check the command",
        126: "the command is not executable",
        127: "the command was not found in the image",
        139: "segmentation fault (SIGSEGV) in the application or a native library",
        143: "stopped with SIGTERM and exited on it",
        255: "the entrypoint failed or exited with an out-of-range status",
    }
    if code in meanings:
        return meanings[code]
    if 128 < code < 160:
        return f"killed by signal {code - 128}"
    return "application-specific exit status: read the container's logs"


def explain_reason(text: str) -> str | None:
    for marker, meaning in {**START_FAILURES, **STOP_REASONS}.items():
        if marker in text:
            return meaning
    return None


def is_failing_exit(code: object, exit_codes: frozenset[int]) -> bool:
    if not isinstance(code, int) or code == 0:
        return False
    return not exit_codes or code in exit_codes


def container_meaning(container: dict[str, Any]) -> str | None:
    code = container.get("exitCode")
    reason = str(container.get("reason", ""))
    if isinstance(code, int):
        return explain_exit(code, reason)
    return explain_reason(reason)
