"""Development-only code that tests, tools, benchmarks and the demo share: ECS event shapes
(events), the state tables (tables), plan JSON (plan), the Terraform runner (terraform), the
local emulators (emulator), the Lambda stand-in (lambda_service) and threads run together
(threads). None of it is in the Lambda package, which holds lambda_src/ecs_events only."""
