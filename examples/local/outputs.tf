output "ecs_events" {
  description = "Every output of the module (tables, queues, function, alert topic once present); tools/demo drives the stack from these."
  value       = module.ecs_events
}
