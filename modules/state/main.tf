locals {
  # Key attribute of each table, fixed by the contract the Lambda and CLI rely on.
  tables = {
    tasks               = "taskArn"
    container-instances = "containerInstanceArn"
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
