"""The operator CLI, `ecs-events`: installed beside the Lambda package, never zipped with it."""
