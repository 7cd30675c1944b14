locals {
  # Key attribute of each table, fixed by the contract the Lambda and CLI rely on.
  tables = {
    tasks               = "taskArn"
    container-instances = "containerInstanceArn"
  }

  # The task table's query index (name and keys shared with cli/ecs_events_cli/history.py).
  # How DynamoDB bills index writes (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html,
  # "Provisioned throughput considerations for global secondary indexes", the same units on demand):
  # an applied write costs the index nothing unless it gives the item its keys (a put),
  # changes a key (a delete and a put) or changes a projected attribute (a write), at one
  # unit per started KB of the index entry; a failed conditional write writes no index.
  # So both keys are fixed for a task's life (cluster name and createdAt): a task enters
  # once, and the only projected attribute that changes is stoppedAt, which appears once.
  # Two index writes per task, however many states it reports. group and
  # containerInstanceArn never change, so projecting them is free, and they let one index
  # answer the service, family and container-instance questions within a cluster. The keys
  # are attributes every record already has, so no item grows a byte (a record near 1 KB
  # must not cross into a second write unit); cluster names that repeat across accounts
  # and regions share a partition, and queries filter on the task ARN (projected as the
  # table key), which names the account, region and cluster.
  task_indexes = var.query_indexes ? {
    cluster-index = { hash_key = "cluster", range_key = "createdAt", non_key_attributes = ["stoppedAt", "group", "containerInstanceArn"] }
  } : {}

  index_attribute_types = {
    cluster   = "S"
    createdAt = "N"
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
      # KEYS_ONLY would drop stoppedAt, and then "running" and "stopped between" need an item
      # read per task; the three projected attributes keep an entry far under 1 KB.
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
