"""`make demo`, one job per module: screen (what it prints), stack (terraform apply and
destroy), lambda_service (plays Lambda for the deployed handler), events (the ECS event
stream), report and cli (what the module made of it, through the real ecs-events), run (the
steps in order, cleanup, --keep). The emulator itself is devkit/emulator.py."""
