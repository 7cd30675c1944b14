"""terraform-aws-ecs-events: the Python side of the module.

The Lambda entry point is `ecs_events.handler.lambda_handler`. Everything here runs
on the standard library and the boto3 that the Lambda runtime ships.
"""

__version__ = "0.1.0"
