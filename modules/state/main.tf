locals {
  # Key attribute of each table, fixed by the contract the Lambda and CLI rely on.
  tables = {
    tasks               = "taskArn"
    container-instances = "containerInstanceArn"
  }

  # Query indexes of the task table (names shared with cli/ecs_events_cli/history.py).
  # Keyed on attributes every record already has, so no item grows a byte (a record near
  # 1 KB must not cross into a second write unit). An index is written only when an
  # applied write changes its keys or projected attributes (a key change is a delete and a
  # put): the group and container-instance keys are fixed for a task's life (one write
  # each per task; Fargate tasks have no container instance and stay out of that index),
  # the cluster index's updatedAt changes with every applied state (two writes each).
  task_indexes = var.query_indexes ? {
    cluster-index            = { hash_key = "cluster", range_key = "updatedAt", non_key_attributes = ["lastStatus"] }
    group-index              = { hash_key = "group", range_key = "createdAt", non_key_attributes = [] }
    container-instance-index = { hash_key = "containerInstanceArn", range_key = "createdAt", non_key_attributes = [] }
  } : {}

  index_attribute_types = {
    cluster              = "S"
    group                = "S"
    containerInstanceArn = "S"
    updatedAt            = "N"
    createdAt            = "N"
  }
}

resource "aws_dynamodb_table" "this" {
  #checkov:skip=CKV_AWS_28:Point-in-time recovery is var.point_in_time_recovery, on by default; checkov cannot follow it through the root module's tables object.
  for_each = local.tables

  name                        = "${var.name}-${each.key}"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = each.value
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = each.value
    type = "S"
  }

  dynamic "attribute" {
    for_each = each.key == "tasks" && var.query_indexes ? local.index_attribute_types : {}
    content {
      name = attribute.key
      type = attribute.value
    }
  }

  dynamic "global_secondary_index" {
    for_each = each.key == "tasks" ? local.task_indexes : {}
    content {
      name      = global_secondary_index.key
      hash_key  = global_secondary_index.value.hash_key
      range_key = global_secondary_index.value.range_key
      # lastStatus rides on the cluster index so a status filter needs no item read; a new
      # status comes with a new updatedAt, a key, so projecting it costs no extra write.
      projection_type    = length(global_secondary_index.value.non_key_attributes) > 0 ? "INCLUDE" : "KEYS_ONLY"
      non_key_attributes = length(global_secondary_index.value.non_key_attributes) > 0 ? global_secondary_index.value.non_key_attributes : null
    }
  }

  # Stopped tasks and deregistered instances carry expiresAt (epoch seconds).
  ttl {
    attribute_name = "expiresAt"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  tags = var.tags
}
