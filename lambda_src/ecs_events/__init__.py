"""terraform-aws-ecs-events: the Python side of the module.

The Lambda entry point is `ecs_events.handler.lambda_handler`. Everything here runs
on the standard library and the boto3 that the Lambda runtime ships.
"""

# The one version of the project: pyproject.toml reads it (setuptools dynamic), the
# committed zip carries it, and git tags are v<version>.
__version__ = "0.3.0"
